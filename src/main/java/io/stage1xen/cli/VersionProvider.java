package io.stage1xen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven filtered into a resource, so there is one source of truth (the pom). */
public final class VersionProvider implements IVersionProvider {
  static final String RESOURCE = "/io/stage1xen/version.properties";

  @Override
  public String[] getVersion() throws IOException {
    return new String[] {"stage1-xen " + version()};
  }

  public static String version() throws IOException {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCE + " missing from the build");
      }
      p.load(in);
    }
    return p.getProperty("version", "unknown");
  }
}
