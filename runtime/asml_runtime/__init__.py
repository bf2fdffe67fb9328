"""asml's guest host: loads a precompiled function and runs it, on Lambda and locally.

It reads only what the generator resolved and wrote next to the artifacts; it never imports
``asml`` (the generator) and depends on nothing but an engine, so the Lambda layer stays slim.
"""
