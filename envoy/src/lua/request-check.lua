-- Checks a request on the transcoded routes before the gRPC-JSON transcoder sees it. Generated
-- data (RULES, REFUSED_GRPC_MESSAGE, REASON_NAMESPACE) is prepended by envoy/src/body-check.ts;
-- unknown_body_field comes from body-fields.lua.
--
-- Each refusal names its reason in dynamic metadata (REASON_NAMESPACE, key "reason"), which
-- the local reply mappers (envoy/src/error-bodies.ts) copy into the JSON error body.

local function refuse(handle, status, reason, message, headers)
  handle:streamInfo():dynamicMetadata():set(REASON_NAMESPACE, "reason", reason)
  local reply = headers or {}
  reply[":status"] = tostring(status)
  reply["content-type"] = "text/plain"
  handle:respond(reply, message)
end

-- A gRPC client speaks HTTP/2 and sends `te: trailers`. Anything else with a gRPC content type
-- (curl posting JSON as application/grpc) gets the refusal as a JSON body, not gRPC framing.
local function is_grpc_content(content_type)
  return content_type == "application/grpc" or content_type:find("^application/grpc[+;]") ~= nil
end

-- True when the request has a gRPC content type: the first route refuses it. Envoy frames that
-- refusal as gRPC (HTTP 200, grpc-status 7); for a client that is not gRPC, envoy_on_response
-- turns it back into a JSON 403.
local function note_grpc_content(handle, headers)
  if not is_grpc_content(headers:get("content-type") or "") then return false end
  local real = handle:streamInfo():protocol() == "HTTP/2" and headers:get("te") == "trailers"
  if not real then
    handle:streamInfo():dynamicMetadata():set(REASON_NAMESPACE, "fake_grpc", true)
  end
  return true
end

-- The rule for this method and path, or nil and the methods the path takes with other methods.
local function rule_for(method, path)
  local allowed, seen = {}, {}
  for _, rule in ipairs(RULES) do
    if path:find(rule.pathPattern) then
      if rule.method == method then return rule, nil end
      if not seen[rule.method] then
        seen[rule.method] = true
        allowed[#allowed + 1] = rule.method
      end
    end
  end
  return nil, allowed
end

local function unescape(text)
  text = text:gsub("+", " ")
  return (text:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

-- The first query parameter naming a field the path already binds.
local function query_over_path(rule, query)
  if not query or #rule.pathFields == 0 then return nil end
  for pair in query:gmatch("[^&]+") do
    local name = unescape(pair:match("^[^=]*"))
    for _, field in ipairs(rule.pathFields) do
      if name == field then return name end
    end
  end
  return nil
end

function envoy_on_request(handle)
  local headers = handle:headers()
  if note_grpc_content(handle, headers) then return end

  local path, query = (headers:get(":path") or ""):match("^([^?]*)%??(.*)$")
  local method = headers:get(":method")
  local rule, allowed = rule_for(method, path)
  if not rule then
    if #allowed == 0 then return end
    return refuse(handle, 405, "METHOD_NOT_ALLOWED",
      string.format("%s is not allowed on %s; it takes %s", method, path,
        table.concat(allowed, ", ")),
      { allow = table.concat(allowed, ", ") })
  end

  local bound = query_over_path(rule, query)
  if bound then
    return refuse(handle, 400, "PATH_FIELD_IN_QUERY",
      string.format('query parameter "%s" names a field the path %s already sets', bound, path))
  end

  if not rule.message then return end
  local body = handle:body()
  if not body or body:length() == 0 then return end

  local unknown, unreadable = unknown_body_field(body:getBytes(0, body:length()), rule.message)
  if unknown then
    return refuse(handle, 400, "UNKNOWN_FIELD",
      string.format('unknown field "%s" in the request body (%s)', unknown, rule.message))
  end
  -- The transcoder words the parse error; the reason says what kind it is.
  if unreadable then
    handle:streamInfo():dynamicMetadata():set(REASON_NAMESPACE, "reason", "INVALID_JSON")
  end
end

function envoy_on_response(handle)
  local noted = handle:streamInfo():dynamicMetadata():get(REASON_NAMESPACE)
  if not noted or not noted.fake_grpc then return end

  local headers = handle:headers()
  local message = headers:get("grpc-message") or ""
  headers:replace(":status", "403")
  headers:replace("content-type", "application/json")
  headers:remove("grpc-status")
  headers:remove("grpc-message")
  handle:body(true):setBytes(message)
end
