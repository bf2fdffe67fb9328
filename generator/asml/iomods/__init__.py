"""IOmods on the generator's side: read a user's IOmod, pack it, resolve a service's IOmods,
lay them out for the runtime and build the service's IOmod layer."""
