"""The remote MCP endpoint of the database: tools, resources and a prompt for AI clients."""
