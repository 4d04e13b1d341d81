/*
 * No-op natives for the JDK's jdk.net extended socket options, linked into the native executable only when the
 * native-image toolchain ships no static libextnet (a GraalVM distribution has one; a builder assembled from the
 * Maven Central jars has not). stage1-xen uses UNIX-domain sockets, whose channel code references these natives,
 * but never sets an extended option, so "not supported" is the truthful answer to each query.
 */
#include <jni.h>

JNIEXPORT jint JNICALL JNI_OnLoad_extnet(JavaVM *vm, void *reserved) {
  (void) vm;
  (void) reserved;
  return JNI_VERSION_1_8;
}

JNIEXPORT jboolean JNICALL Java_jdk_net_LinuxSocketOptions_keepAliveOptionsSupported0(JNIEnv *env, jclass c) {
  (void) env;
  (void) c;
  return JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_jdk_net_LinuxSocketOptions_incomingNapiIdSupported0(JNIEnv *env, jclass c) {
  (void) env;
  (void) c;
  return JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_jdk_net_LinuxSocketOptions_quickAckSupported0(JNIEnv *env, jclass c) {
  (void) env;
  (void) c;
  return JNI_FALSE;
}
