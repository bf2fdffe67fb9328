"""IOmods: the processes through which guests reach the network and the cloud.

Holds the protocol, the SDK for writing IOmods and the standard ones. It never imports
``asml`` (the generator).
"""
