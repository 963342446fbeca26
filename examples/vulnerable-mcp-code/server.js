// A small MCP server with the classic mistake: the model's text reaches a
// shell. Used by the README tour; do not run it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { grep } from "./search.js";

const server = new McpServer({ name: "search-mcp", version: "1.0.0" });

server.tool(
  "search",
  "Search the project's files for a pattern.",
  { pattern: z.string(), folder: z.string() },
  async ({ pattern, folder }) => ({
    content: [{ type: "text", text: await grep(pattern, folder) }],
  }),
);

await server.connect(new StdioServerTransport());
