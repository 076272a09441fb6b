-- Neovim (0.7.2, Debian) harness for the leaddef language server. Used by test/nvim.test.ts:
--   LEADDEF_LSP_CMD='["node","dist/lsp/main.js","--stdio"]' LEADDEF_NVIM_OUT=out.json \
--   nvim --headless --clean -u test/nvim/init.lua -c 'lua run_checks()' file.leaddef
-- 0.7 has no vim.lsp.start (0.8+): start_client + buf_attach_client from a FileType autocmd.
-- run_checks() waits for diagnostics, asks for hover and completion, writes what it got as JSON
-- to $LEADDEF_NVIM_OUT, and exits 0 (qall!) or 1 (cquit!) when something came back empty.

local cmd = vim.fn.json_decode(os.getenv("LEADDEF_LSP_CMD") or '["node","dist/lsp/main.js","--stdio"]')
local out_path = os.getenv("LEADDEF_NVIM_OUT") or "nvim-lsp-results.json"
local client_id = nil
local server_log = {}

vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, { pattern = "*.leaddef", command = "setfiletype leaddef" })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "leaddef",
  callback = function(args)
    if client_id == nil then
      client_id = vim.lsp.start_client({
        name = "leaddef",
        cmd = cmd,
        root_dir = vim.fn.getcwd(),
        on_exit = function(code, signal) table.insert(server_log, ("server exited: code %s signal %s"):format(code, signal)) end,
      })
    end
    if client_id ~= nil then vim.lsp.buf_attach_client(args.buf, client_id) end
  end,
})

-- Completion results come as a CompletionList or an array of items.
local function labels(result)
  local items = result and (result.items or result) or {}
  local out = {}
  for _, item in ipairs(items) do table.insert(out, item.label) end
  return out
end

-- Hover contents: MarkupContent, a MarkedString, or an array of MarkedStrings.
local function hover_text(result)
  if not result or not result.contents then return "" end
  local c = result.contents
  if type(c) == "string" then return c end
  if c.value then return c.value end
  local parts = {}
  for _, p in ipairs(c) do table.insert(parts, type(p) == "string" and p or (p.value or "")) end
  return table.concat(parts, "\n")
end

local function first_result(responses)
  for _, r in pairs(responses or {}) do
    if r.result ~= nil then return r.result end
  end
  return nil
end

-- Finds the first line (0-based) containing `needle` and the column just inside the match.
local function find(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find(needle, 1, true)
    if s then return i - 1, s - 1 end
  end
  return nil, nil
end

function run_checks()
  local buf = vim.api.nvim_get_current_buf()
  local results = { server_cmd = cmd, errors = {} }
  local started = vim.loop.hrtime()

  local ok_init = vim.wait(20000, function()
    local c = client_id and vim.lsp.get_client_by_id(client_id)
    return (c ~= nil and c.initialized == true) or #server_log > 0
  end, 50)
  if not ok_init then table.insert(results.errors, "server did not initialize") end

  vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 or #server_log > 0 end, 50)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(results.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, code = code })
  end

  -- Hover over a known field: the `employees` of `company.employees`.
  local hl, hc = find(buf, "company.employees")
  if hl then
    local params = { textDocument = vim.lsp.util.make_text_document_params(), position = { line = hl, character = hc + 10 } }
    results.hover = hover_text(first_result(vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)))
  end

  -- Type `company.` on a new last line, as a user would, then ask for completion after the dot.
  local line = "sal when company."
  local n = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, n, n, false, { line })
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(),
    position = { line = n, character = #line },
    context = { triggerKind = 2, triggerCharacter = "." },
  }
  vim.wait(300) -- let the didChange go out before the request
  results.completion = labels(first_result(vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 10000)))

  results.server_log = server_log
  results.elapsed_ms = math.floor((vim.loop.hrtime() - started) / 1e6)
  local f = assert(io.open(out_path, "w"))
  f:write(vim.fn.json_encode(results))
  f:close()

  if #results.diagnostics == 0 or #results.completion == 0 or (results.hover or "") == "" or #results.errors > 0 then
    vim.cmd("cquit!")
  else
    vim.cmd("qall!")
  end
end
