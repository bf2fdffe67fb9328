# The asml IOmod protocol, version 1. iomods/PROTOCOL.md explains it.
#
# The runtime listens on one Unix socket per IOmod it starts, and passes its path to that IOmod
# in the environment variable ASML_IOMOD_REGISTRY. The IOmod connects, takes the bootstrap
# capability (a Registry) and registers its Iomod capability; a socket accepts only the
# coordinates of the IOmod it was made for. The runtime then
# calls invoke() on that capability, over the same connection, as often and as concurrently
# as its guests ask. The IOmod exits when the connection closes.
@0xfb3ab27e4ac902e5;

struct Failure {
  # Why a call failed: a stable code for programs, a message for people.
  code @0 :Text;
  # BadInput       the input does not match what the call expects
  # UnknownCall    the IOmod has no call of that name
  # NotFound       the thing asked for does not exist
  # Denied         the cloud refused (credentials, permissions)
  # Upstream       the service behind the IOmod failed (the message says how)
  # Internal       the IOmod itself failed
  # The runtime adds: Unavailable (the IOmod did not register or keeps crashing),
  # Crashed (it exited during the call) and Timeout (no answer in time).
  # IOmods may use other codes, e.g. an AWS error code such as ConditionalCheckFailedException.
  message @1 :Text;
}

struct Outcome {
  union {
    ok @0 :Data;         # the result, JSON by convention
    failed @1 :Failure;
  }
}

interface Iomod {
  invoke @0 (call :Text, input :Data) -> (outcome :Outcome);
  # call is the last part of the full name: "put_item" of "akkoro.aws.dynamodb.put_item".
  # input is what the guest passed, JSON by convention.
}

interface Registry {
  register @0 (coordinates :Text, version :Text, calls :List(Text), iomod :Iomod) -> ();
  # coordinates: "org.namespace.name"; version: semantic version "1.2.3".
  # Throws (and the IOmod should exit with the message) when the runtime did not start an
  # IOmod with these coordinates, or expects another version.
}
