package io.stage1xen.cli;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.DnsConfMode;
import io.stage1xen.pod.NetList;
import io.stage1xen.pod.PrivateUsers;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the values rkt passes. Each delegates to the value type's own parser, so the command line
 * and the records apply the same rules; picocli adds the option name to the message.
 */
final class ValueConverters {
  private ValueConverters() {}

  private static <T> T convert(String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (Stage1Failure e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  static final class Uuid implements ITypeConverter<PodUuid> {
    @Override
    public PodUuid convert(String value) {
      return ValueConverters.convert(value, PodUuid::of);
    }
  }

  static final class AppName implements ITypeConverter<AcName> {
    @Override
    public AcName convert(String value) {
      return ValueConverters.convert(value, AcName::of);
    }
  }

  static final class Net implements ITypeConverter<NetList> {
    @Override
    public NetList convert(String value) {
      return ValueConverters.convert(value, NetList::parse);
    }
  }

  static final class DnsMode implements ITypeConverter<DnsConfMode> {
    @Override
    public DnsConfMode convert(String value) {
      return ValueConverters.convert(value, DnsConfMode::parse);
    }
  }

  static final class UidRange implements ITypeConverter<PrivateUsers> {
    @Override
    public PrivateUsers convert(String value) {
      return ValueConverters.convert(value, PrivateUsers::parse);
    }
  }

  /** A process id: a positive decimal that fits a pid_t. */
  static final class Pid implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      if (value.matches("[0-9]{1,10}")) {
        long pid = Long.parseLong(value);
        if (pid > 0 && pid <= Integer.MAX_VALUE) {
          return (int) pid;
        }
      }
      throw new TypeConversionException("'" + value + "' is not a process id (a positive integer)");
    }
  }

  /** Go's flag package spelling of booleans, the only values rkt writes: true or false. */
  static final class GoBool implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      return switch (value) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new TypeConversionException("'" + value + "' is not true or false");
      };
    }
  }
}
