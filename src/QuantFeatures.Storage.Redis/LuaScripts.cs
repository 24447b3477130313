namespace QuantFeatures.Storage.Redis;

/// <summary>
/// The store's server-side scripts. Redis runs a script atomically: no other command runs between its first and last
/// call, and a script that has written cannot be killed, so a write is all-or-nothing. A script only runs once its
/// whole command has arrived, so a connection lost while sending it writes nothing.
/// </summary>
internal static class LuaScripts
{
    /// <summary>
    /// Writes rows of one series. KEYS: latest, bars, revs, info. ARGV: fetched_at, ttl_ms (0: none), history length,
    /// catalogue version, names id, names text (empty: believed stored), definitions id, definitions text (empty:
    /// believed stored), channel, symbol, timeframe, strict (1: a rejected row fails the whole call), then (bar, values)
    /// pairs in increasing bar order. Returns {-1} when the names or definitions must be sent (nothing written),
    /// {-2, bar} when strict and a row is older than the latest bar and not retained (nothing written), else
    /// {created, revised, unchanged, rejected, changed values, last revision written or 0}.
    /// </summary>
    public const string Write = """
        local latestKey, barsKey, revsKey, infoKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local fetched, ttl, keep = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        local catalog, nid, ntext, did, dtext = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
        local channel, sym, tf, strict = ARGV[9], ARGV[10], ARGV[11], ARGV[12]
        local first = 13

        if ntext == '' and redis.call('HEXISTS', infoKey, 'names:' .. nid) == 0 then return {-1} end
        if dtext == '' and redis.call('HGET', infoKey, 'defsid') ~= did then return {-1} end

        local lbar = redis.call('HGET', latestKey, 'bar')
        if lbar then lbar = tonumber(lbar) end

        local function retained(bar) return redis.call('HEXISTS', revsKey, bar) == 1 end

        if strict == '1' and lbar then
          for i = first, #ARGV, 2 do
            local bar = ARGV[i]
            if tonumber(bar) >= lbar then break end
            if not retained(bar) then return {-2, bar} end
          end
        end

        if ntext ~= '' then redis.call('HSET', infoKey, 'names:' .. nid, ntext) end
        if dtext ~= '' then redis.call('HSET', infoKey, 'defsid', did, 'defs', dtext) end
        redis.call('HSET', infoKey, 'catalog', catalog)

        local cache = {}
        local function names(id)
          local t = cache[id]
          if t then return t end
          t = {}
          local text = redis.call('HGET', infoKey, 'names:' .. id)
          if text then for n in string.gmatch(text, '[^\n]+') do t[#t + 1] = n end end
          cache[id] = t
          return t
        end

        local function diff(a, b)
          local c = 0
          for k = 1, #b, 8 do
            if string.sub(a, k, k + 7) ~= string.sub(b, k, k + 7) then c = c + 1 end
          end
          return c
        end

        local created, revised, unchanged, rejected, changed, lastRev = 0, 0, 0, 0, 0, 0
        for i = first, #ARGV, 2 do
          local bar, blob = ARGV[i], ARGV[i + 1]
          local barNum = tonumber(bar)
          local cur = redis.call('HGET', revsKey, bar)
          local rev, amended, rowNid, rowBlob, count = nil, '0', nid, blob, 0
          if not cur then
            if lbar and barNum < lbar then
              rejected = rejected + 1
            else
              rev, count = 1, #blob / 8
              redis.call('ZADD', barsKey, barNum, bar)
              created = created + 1
            end
          else
            local r = tonumber(cur)
            local meta = redis.call('HGET', revsKey, bar .. ':' .. r .. ':m')
            local oldNid = string.match(meta, '^[^|]*|[^|]*|([^|]*)|')
            local oldBlob = redis.call('HGET', revsKey, bar .. ':' .. r)
            if oldNid == nid then
              if oldBlob ~= blob then count = diff(oldBlob, blob) end
            else
              -- Another set of names: the new revision keeps the stored features, with the written ones replaced or added.
              local on, nn = names(oldNid), names(nid)
              local pos, parts, merged = {}, {}, {}
              for k = 1, #on do
                pos[on[k]] = k
                parts[k] = string.sub(oldBlob, (k - 1) * 8 + 1, k * 8)
                merged[k] = on[k]
              end
              for k = 1, #nn do
                local v = string.sub(blob, (k - 1) * 8 + 1, k * 8)
                local p = pos[nn[k]]
                if p then
                  if parts[p] ~= v then parts[p] = v; count = count + 1 end
                else
                  merged[#merged + 1] = nn[k]; parts[#parts + 1] = v; count = count + 1
                end
              end
              if count > 0 then
                rowBlob = table.concat(parts)
                if #merged == #on then
                  rowNid = oldNid
                else
                  local text = table.concat(merged, '\n')
                  rowNid = string.sub(redis.sha1hex(text), 1, 16)
                  redis.call('HSET', infoKey, 'names:' .. rowNid, text)
                  cache[rowNid] = merged
                end
              end
            end
            if count > 0 then
              rev, amended = r + 1, tostring(r)
              revised = revised + 1
            else
              unchanged = unchanged + 1
            end
          end

          if rev then
            changed = changed + count
            lastRev = rev
            redis.call('HSET', revsKey, bar, rev, bar .. ':' .. rev, rowBlob, bar .. ':' .. rev .. ':m',
              fetched .. '|' .. amended .. '|' .. rowNid .. '|' .. catalog)
            local isLatest = (not lbar) or barNum >= lbar
            if isLatest then
              redis.call('HSET', latestKey, 'bar', bar, 'rev', rev, 'amended', amended, 'fetched', fetched,
                'catalog', catalog, 'names', rowNid, 'values', rowBlob)
              lbar = barNum
            end
            local from = 'null'
            if amended ~= '0' then from = amended end
            redis.call('PUBLISH', channel, '{"symbol":"' .. sym .. '","timeframe":"' .. tf .. '","bar":' .. bar
              .. ',"revision":' .. rev .. ',"amendedFrom":' .. from .. ',"fetchedAt":' .. fetched
              .. ',"latest":' .. tostring(isLatest) .. '}')
          end
        end

        if created + revised > 0 then
          local n = redis.call('ZCARD', barsKey)
          if n > keep then
            local old = redis.call('ZRANGE', barsKey, 0, n - keep - 1)
            for _, b in ipairs(old) do
              local r = tonumber(redis.call('HGET', revsKey, b) or '0')
              for q = 1, r do redis.call('HDEL', revsKey, b .. ':' .. q, b .. ':' .. q .. ':m') end
              redis.call('HDEL', revsKey, b)
            end
            redis.call('ZREMRANGEBYRANK', barsKey, 0, n - keep - 1)
          end
          if ttl > 0 then
            for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], ttl) end
          end
        end

        return {created, revised, unchanged, rejected, changed, lastRev}
        """;

    /// <summary>
    /// The latest rows of many series in one call. KEYS: (latest, info) per series. ARGV: names ids the client knows.
    /// Returns {row per series (bar, rev, amended, fetched, catalog, names id, values; or empty), {id, text, …}}.
    /// </summary>
    public const string ReadLatest = """
        local known = {}
        for i = 1, #ARGV do known[ARGV[i]] = true end
        local rows, sent = {}, {}
        local texts = {}
        for k = 1, #KEYS, 2 do
          local row = redis.call('HMGET', KEYS[k], 'bar', 'rev', 'amended', 'fetched', 'catalog', 'names', 'values')
          if row[1] and row[7] then
            local nid = row[6]
            if not known[nid] and not sent[nid] then
              local text = redis.call('HGET', KEYS[k + 1], 'names:' .. nid)
              if text then
                sent[nid] = true
                texts[#texts + 1] = nid
                texts[#texts + 1] = text
              end
            end
            rows[#rows + 1] = row
          else
            rows[#rows + 1] = {}
          end
        end
        return {rows, texts}
        """;

    /// <summary>
    /// The retained rows of one series in a score range. KEYS: bars, revs, info. ARGV: min, max, mode ('L' latest
    /// revision, 'A' as of ARGV[4], '*' every revision), as-of, then the names ids the client knows. Returns
    /// {{bar, rev, amended, fetched, names id, catalogue, values, …}, {id, text, …}}.
    /// </summary>
    public const string ReadRange = """
        local revsKey = KEYS[2]
        local bars = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])
        local mode, asOf = ARGV[3], tonumber(ARGV[4])
        local known = {}
        for i = 5, #ARGV do known[ARGV[i]] = true end
        local out, sent, texts = {}, {}, {}
        local function emit(bar, r, meta)
          local f, a, nid, cat = string.match(meta, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')
          local blob = redis.call('HGET', revsKey, bar .. ':' .. r)
          if not blob then return end
          if not known[nid] and not sent[nid] then
            local text = redis.call('HGET', KEYS[3], 'names:' .. nid)
            if text then
              sent[nid] = true
              texts[#texts + 1] = nid
              texts[#texts + 1] = text
            end
          end
          local n = #out
          out[n + 1] = bar; out[n + 2] = tostring(r); out[n + 3] = a; out[n + 4] = f
          out[n + 5] = nid; out[n + 6] = cat; out[n + 7] = blob
        end
        for _, bar in ipairs(bars) do
          local cur = redis.call('HGET', revsKey, bar)
          if cur then
            cur = tonumber(cur)
            if mode == '*' then
              for r = 1, cur do
                local meta = redis.call('HGET', revsKey, bar .. ':' .. r .. ':m')
                if meta then emit(bar, r, meta) end
              end
            else
              for r = cur, 1, -1 do
                local meta = redis.call('HGET', revsKey, bar .. ':' .. r .. ':m')
                if meta and (mode == 'L' or tonumber(string.match(meta, '^([^|]*)|')) <= asOf) then
                  emit(bar, r, meta)
                  break
                end
              end
            end
          end
        end
        return {out, texts}
        """;
}
