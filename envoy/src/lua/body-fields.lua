-- Finds a field in a REST request's JSON body that its message does not define, which the
-- gRPC-JSON transcoder would otherwise drop without a word. Generated data (MESSAGES) is
-- prepended by envoy/src/body-check.ts; request-check.lua calls unknown_body_field. A body this
-- scanner cannot read is let through: the transcoder then answers with its own precise error.

local UNKNOWN = {}

local function skip_space(text, at)
  return text:find("[^ \t\r\n]", at) or #text + 1
end

-- Returns the string starting at the quote at `at` (escapes resolved for ASCII) and the index
-- after its closing quote, or nil when it does not end.
local function read_string(text, at)
  local parts, pos = {}, at + 1
  while true do
    local stop = text:find('["\\]', pos)
    if not stop then return nil end
    parts[#parts + 1] = text:sub(pos, stop - 1)
    if text:sub(stop, stop) == '"' then return table.concat(parts), stop + 1 end

    local escape = text:sub(stop + 1, stop + 1)
    if escape == "u" then
      local code = tonumber(text:sub(stop + 2, stop + 5), 16)
      parts[#parts + 1] = (code and code < 128) and string.char(code) or "?"
      pos = stop + 6
    else
      parts[#parts + 1] = escape
      pos = stop + 2
    end
  end
end

local read_value

-- Reads the object at `at`; `fields` (when known) lists the keys it may have.
local function read_object(text, at, fields, path)
  local pos = skip_space(text, at + 1)
  if text:sub(pos, pos) == "}" then return pos + 1 end
  while true do
    if text:sub(pos, pos) ~= '"' then return nil end
    local key
    key, pos = read_string(text, pos)
    if not key then return nil end
    pos = skip_space(text, pos)
    if text:sub(pos, pos) ~= ":" then return nil end

    local child = true
    if fields then
      child = fields[key]
      if child == nil then error({ [UNKNOWN] = path .. key }) end
    end
    pos = read_value(text, skip_space(text, pos + 1), child, path .. key .. ".")
    if not pos then return nil end

    pos = skip_space(text, pos)
    local separator = text:sub(pos, pos)
    if separator == "}" then return pos + 1 end
    if separator ~= "," then return nil end
    pos = skip_space(text, pos + 1)
  end
end

local function read_array(text, at, child, path)
  local pos = skip_space(text, at + 1)
  if text:sub(pos, pos) == "]" then return pos + 1 end
  while true do
    pos = read_value(text, pos, child, path)
    if not pos then return nil end
    pos = skip_space(text, pos)
    local separator = text:sub(pos, pos)
    if separator == "]" then return pos + 1 end
    if separator ~= "," then return nil end
    pos = skip_space(text, pos + 1)
  end
end

-- `child` is a message name (check the object's keys), or true (any value).
read_value = function(text, at, child, path)
  local first = text:sub(at, at)
  if first == "{" then
    local fields = child ~= true and MESSAGES[child] or nil
    return read_object(text, at, fields, path)
  end
  if first == "[" then return read_array(text, at, child, path) end
  if first == '"' then
    local _, after = read_string(text, at)
    return after
  end
  local stop = text:find("[,%]}%s]", at) or #text + 1
  if stop == at then return nil end
  return stop
end

-- The dotted path of the first key in `text` that `message` does not define; nil when there is
-- none or the text cannot be read (a second return value of true says which).
function unknown_body_field(text, message)
  local ok, problem = pcall(read_value, text, skip_space(text, 1), message, "")
  if ok then return nil, problem == nil end
  if type(problem) == "table" and problem[UNKNOWN] then return problem[UNKNOWN], false end
  return nil, true
end
