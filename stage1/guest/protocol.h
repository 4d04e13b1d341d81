/* The numbers of the host<->guest control protocol (docs/PROTOCOL.md): their one definition.
 *
 * The guest init and tests/xen/ctl-client.c include this file. The host is Java, whose switch statements need
 * compile-time constants, so it names the same numbers in io.stage1xen.guest (Frame, PlanEncoder, ControlChannel);
 * ProtocolTableTest, part of every `mvn test`, reads this file and fails on any name or value that one side has and
 * the other has not. The frames both sides encode and decode byte for byte are in src/test/resources/protocol/.
 *
 * Format (ProtocolTableTest parses it): one NAME = value per line, the value a hexadecimal or decimal literal. The
 * prefix says where Java holds the number:
 *   F_NAME       frame type            Frame.NAME
 *   FRAME_NAME   framing limit         Frame.NAME
 *   T_NAME       PLAN and EXEC field   PlanEncoder.T_NAME
 *   PLAN_NAME    plan/HELLO number     PlanEncoder.NAME
 *   CHANNEL_NAME session number        ControlChannel.NAME
 *   LOG_NAME     LOG level             ControlChannel.Listener.LogLevel.NAME
 *   OFF_NAME     POWEROFF reason       ControlChannel.Listener.PoweroffReason.NAME */
#ifndef S1X_PROTOCOL_H
#define S1X_PROTOCOL_H

/* frame := type:u8 session:u32 length:u32 payload[length] */
enum {
  FRAME_HEADER_BYTES = 9,
  FRAME_MAX_PAYLOAD = 0x100000, /* 1 MiB: a larger length is a protocol error */
  FRAME_MAX_DATA = 0x8000,      /* 32 KiB: stdin/stdout/stderr bytes per frame */
};

enum {
  PLAN_VERSION = 1,                /* first field of the plan, first word of HELLO */
  CHANNEL_FIRST_ADDED_SESSION = 0x8000, /* apps added to a running mutable pod (APP_START), below the enter sessions */
  CHANNEL_FIRST_EXEC_SESSION = 0x10000, /* enter sessions; 0 is the pod, 1 + i app i */
};

enum frame_type {
  /* host -> guest */
  F_NOP = 0x01,
  F_PLAN = 0x02,
  F_SHUTDOWN = 0x03,
  F_POWEROFF_ACK = 0x04,
  F_EXEC = 0x10,
  F_STDIN = 0x11,
  F_SIGNAL = 0x12,
  F_WINSIZE = 0x13,
  F_APP_START = 0x14, /* mutable pods: payload the fields of a plan's APP */
  F_APP_STOP = 0x15,  /* payload grace_ms:u32 */
  F_APP_RM = 0x16,    /* empty */
  /* guest -> host */
  F_HELLO = 0x81,
  F_STARTED = 0x82,
  F_READY = 0x83,
  F_EXITED = 0x84,
  F_LOG = 0x85,
  F_POWEROFF = 0x86,
  F_REMOVED = 0x87, /* answers APP_RM: the app's slot is free */
  F_STDOUT = 0xA0,
  F_STDERR = 0xA1,
};

/* field := tag:u8 length:u32 value[length]; the payloads of PLAN and EXEC */
enum field_tag {
  /* the pod */
  T_VERSION = 0x01,
  T_HOSTNAME = 0x02,
  T_HOSTS = 0x03,
  T_RESOLV = 0x04,
  T_DEBUG = 0x05,
  T_GRACE_MS = 0x06,
  T_MUTABLE = 0x07,
  T_SHARE = 0x08, /* nested */
  T_NET = 0x0C,   /* nested */
  T_APP = 0x10,   /* nested */
  /* an app (ARG, ENV and TTY also in EXEC) */
  T_NAME = 0x20,
  T_ROOT = 0x21,
  T_ARG = 0x22,
  T_ENV = 0x23,
  T_USER = 0x24,
  T_GROUP = 0x25,
  T_SUPP_GID = 0x26,
  T_WORKDIR = 0x27,
  T_READONLY_ROOTFS = 0x28,
  T_PRE_START = 0x29, /* nested */
  T_POST_STOP = 0x2A, /* nested */
  T_STDIN = 0x2B,
  T_TTY = 0x2C,
  T_MOUNT = 0x2D, /* nested */
  T_OOM_SCORE_ADJ = 0x2E,
  /* inside MOUNT */
  T_MOUNT_SOURCE = 0x30,
  T_MOUNT_TARGET = 0x31,
  T_MOUNT_RO = 0x32,
  /* inside SHARE */
  T_SHARE_TAG = 0x40,
  T_SHARE_PATH = 0x41,
  T_SHARE_RO = 0x42,
  /* EXEC */
  T_EXEC_APP = 0x50,
  T_EXEC_ROWS = 0x51,
  T_EXEC_COLS = 0x52,
  /* inside NET */
  T_NET_NAME = 0x70,
  T_NET_MAC = 0x71,
  T_NET_ADDRESS = 0x72,
  T_NET_MTU = 0x73,
  T_NET_PREFIX_ROUTE = 0x74,
  T_NET_ROUTE = 0x75, /* nested */
  /* inside NET_ROUTE */
  T_ROUTE_DST = 0x78,
  T_ROUTE_VIA = 0x79,
};

/* LOG payload: level:u8 text */
enum log_level {
  LOG_ERROR = 1,
  LOG_WARNING = 2,
  LOG_INFO = 3,
  LOG_DEBUG = 4,
};

/* POWEROFF payload: reason:u8 */
enum poweroff_reason {
  OFF_ALL_DONE = 0,
  OFF_APP_FAILED = 1,
  OFF_REQUESTED = 2,
  OFF_GUEST_ERROR = 3,
};

#endif
