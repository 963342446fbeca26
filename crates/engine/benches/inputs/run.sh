#!/usr/bin/env bash
# Start the MCP server and its helpers the way the README suggests.
set -euo pipefail

IMAGE="${IMAGE:-example/mcp-server:latest}"
NAME=mcp-server

if docker ps -a --format '{{.Names}}' | grep -q "^${NAME}$"; then
  docker rm -f "$NAME" >/dev/null
fi

docker build -t "$IMAGE" -f Dockerfile .

docker run -d --name "$NAME" \
  --restart unless-stopped \
  -p 127.0.0.1:3000:3000 \
  -e LOG_LEVEL=info \
  -e GITHUB_TOKEN="$GITHUB_TOKEN" \
  -v "$PWD/config:/app/config:ro" \
  --read-only --tmpfs /tmp \
  --cap-drop ALL --security-opt no-new-privileges \
  --user 10001:10001 \
  "$IMAGE"

docker run --rm -it \
  --privileged \
  --pid=host \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$HOME":/home/user \
  example/mcp-sandbox:latest sh -c 'echo ready'

for port in 8080 8081; do
  docker run -d --network host --name "worker-$port" \
    -e PORT="$port" \
    --cap-add SYS_ADMIN \
    "$IMAGE" node dist/worker.js
done

status=$(docker inspect -f '{{.State.Status}}' "$NAME")
echo "server is $status"

sudo docker run --rm -v /:/host:ro alpine:3.19 ls /host
