"""Image and chat providers: the only place (with sync/) that talks to the network."""
