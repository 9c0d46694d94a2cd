"""In-memory emulators of the five vendor admin APIs and the loopback server that runs them.

Used by `gwctl sandbox` and by every end-to-end test. See `base.Emulator` for
how an emulator is written, `registry` for which one serves which product and
`server.serve` to put one on a 127.0.0.1 port.
"""
