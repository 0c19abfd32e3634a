-- Drives the CNN Lens server from Neovim's built-in LSP client, headless and without plugins, and writes what
-- happened to $CNNLENS_OUT as JSON for test/lsp/neovim.test.ts. Works on Neovim 0.7 (Debian 12) and later.
-- Usage: CNNLENS_SERVER=dist/server.cjs CNNLENS_OUT=out.json nvim --headless --clean -u init.lua model.cnn
local out_path = assert(os.getenv("CNNLENS_OUT"), "set CNNLENS_OUT")
local server = assert(os.getenv("CNNLENS_SERVER"), "set CNNLENS_SERVER")
local result = { steps = {}, methods = {} }

-- A broken model (a typo), then the fixed one with an empty line where completion inserts a layer.
local broken = { "model M {", "  input(3, 8, 8)", "  covn(8, 3, padding: 1)", "}" }
local fixed = { "model M {", "  input(3, 8, 8)", "  conv(8, 3, padding: 1)", "  ", "}" }

local function finish()
  local file = assert(io.open(out_path, "w"))
  file:write(vim.json.encode(result))
  file:close()
  vim.cmd("qall!")
end

local function wait(what, condition)
  if not vim.wait(15000, condition, 20) then error("timed out waiting for " .. what) end
end

-- Every method the client resolves a handler for (server requests and notifications) is recorded, so the
-- test can check each server-to-client request against the capabilities Neovim advertised.
local handlers = setmetatable({}, {
  __index = function(_, method)
    result.methods[#result.methods + 1] = method
    return vim.lsp.handlers[method]
  end,
})

-- The diagnostics of the buffer's current version, as the server published them.
local published = { version = -1, diagnostics = nil }
handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
  published = { version = params.version or -1, diagnostics = params.diagnostics }
  return vim.lsp.handlers["textDocument/publishDiagnostics"](err, params, ctx, config)
end
local messages = {}
handlers["window/showMessage"] = function(_, params)
  messages[#messages + 1] = params.message
  return vim.NIL
end

local function diagnostics_now(bufnr)
  wait("diagnostics", function() return published.version == vim.lsp.util.buf_versions[bufnr] end)
  return published.diagnostics
end

local function request(bufnr, method, params)
  local answers = vim.lsp.buf_request_sync(bufnr, method, params, 15000)
  for _, answer in pairs(answers or {}) do
    if answer.err then error(method .. ": " .. vim.inspect(answer.err)) end
    return answer.result
  end
  error(method .. ": no answer")
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "cnn"
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, broken)
  local config = {
    name = "cnnlens", cmd = { "node", server, "--stdio" }, root_dir = vim.fn.getcwd(), handlers = handlers,
    -- `short` hovers: the hover below shows that pushed settings arrive.
    settings = { cnnlens = { hoverDetail = "short" } },
    -- Neovim 0.7 sends no settings by itself (later versions do; twice is harmless): push them, since 0.7
    -- cannot answer workspace/configuration.
    on_init = function(client)
      client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
    end,
  }
  -- vim.lsp.start (0.8+) starts or reuses a client and attaches it; 0.7 has only start_client.
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  local client = vim.lsp.get_client_by_id(client_id)
  wait("initialize", function() return client.initialized end)
  result.version = vim.version()
  result.capabilities = vim.lsp.protocol.make_client_capabilities()
  local provider = client.server_capabilities.executeCommandProvider
  result.executeCommands = provider and provider.commands or {}

  -- 1. Diagnostics on the broken file.
  result.broken = diagnostics_now(bufnr)
  result.steps[#result.steps + 1] = "diagnostics"

  -- 2. The fixed file analyses cleanly; hover on `conv`.
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, fixed)
  result.fixed = diagnostics_now(bufnr)
  result.hover = request(bufnr, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 2, character = 3 },
  })
  result.steps[#result.steps + 1] = "hover"

  -- 3. Completion on the empty line, turned into words as Neovim's omnifunc does; `relu` is inserted.
  local list = request(bufnr, "textDocument/completion", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 3, character = 2 },
  })
  local to_words = vim.lsp.util.text_document_completion_list_to_complete_items
  local words = {}
  for _, item in ipairs(to_words and to_words(list, "") or {}) do words[item.abbr] = item.word end
  result.words = { conv = words.conv, concat = words.concat, relu = words.relu, residual = words.residual }
  vim.api.nvim_buf_set_lines(bufnr, 3, 4, false, { "  " .. words.relu })
  result.afterCompletion = diagnostics_now(bufnr)
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  result.steps[#result.steps + 1] = "completion"

  -- 4. Code lenses, and the Summary lens run through Neovim's own codelens.run (workspace/executeCommand).
  vim.lsp.codelens.refresh()
  wait("code lenses", function() return #vim.lsp.codelens.get(bufnr) > 0 end)
  result.lenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    result.lenses[#result.lenses + 1] = { title = lens.command.title, command = lens.command.command }
  end
  -- Three lenses share the model's line, so codelens.run asks vim.ui.select; the test chooses by title.
  local function run_lens(title)
    vim.ui.select = function(options, opts, on_choice)
      for _, option in ipairs(options) do
        if opts.format_item(option) == title then return on_choice(option) end
      end
      on_choice(nil)
    end
    local before = #messages
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    vim.lsp.codelens.run()
    wait("the message of " .. title, function() return #messages > before end)
    return messages[#messages]
  end
  result.summaryMessage = run_lens("Summary")
  result.steps[#result.steps + 1] = "code lens"
  -- The simulation reports its progress (window/workDoneProgress/create, which Neovim advertises).
  result.simulationMessage = run_lens("▶ Simulate")
  result.steps[#result.steps + 1] = "simulation"

  vim.lsp.stop_client(client_id)
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    local ok, err = pcall(main)
    if not ok then result.error = tostring(err) end
    finish()
  end,
})
