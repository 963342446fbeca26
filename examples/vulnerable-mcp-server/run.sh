#!/bin/sh
# How the README tells users to start the server.
docker run -it --rm \
  --privileged \
  -v "$HOME":/home/user \
  mcp/vulnerable-server:latest --read-only
