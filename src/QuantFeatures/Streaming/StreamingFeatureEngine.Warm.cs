namespace QuantFeatures.Streaming;

/// <summary>The warm start: a fresh engine replays a history, each stream only as far back as its state remembers.</summary>
public sealed partial class StreamingFeatureEngine
{
    /// <summary>Below this many stream × bar steps a warm start runs on one thread (a second one costs more than it saves).</summary>
    private const long ParallelSteps = 500_000;

    /// <summary>The first bar each stream replayed in the last warm start (engine order; for tests and diagnostics).</summary>
    internal int[] WarmStarts { get; private set; } = [];

    /// <summary>The first bar the stream of <paramref name="name"/> replayed in the last warm start (−1: none).</summary>
    internal int WarmStartOf(string name) => _index.TryGetValue(name, out int i) && i < WarmStarts.Length ? WarmStarts[i] : -1;

    /// <summary>Whether the last warm start ran on two threads.</summary>
    internal bool WarmParallel { get; private set; }

    /// <summary>Commits every bar of <paramref name="frame"/> one by one (the general path).</summary>
    private void ReplayEachBar(MarketFrame frame)
    {
        var bar = new StreamingBar();
        for (int t = 0; t < frame.Length; t++)
        {
            Update(bar.Load(frame, t));
        }
    }

    /// <summary>
    /// Commits every bar of <paramref name="frame"/> into this fresh engine: stream i steps bars [start_i, n) only, where
    /// start_i is the latest bar its <see cref="StreamMemory"/> allows (and early enough that every feature it reads is
    /// exact from there on); groups of streams that share nothing step on two threads, each with its own context.
    /// </summary>
    private void WarmReplay(MarketFrame frame)
    {
        var time = frame.TimeArray;
        int n = frame.Length;
        for (int t = 1; t < n; t++)
        {
            if (time[t] < time[t - 1] + Timeframe.Milliseconds)
            {
                ReplayEachBar(frame); // rejects the bar where committing one by one does
                return;
            }
        }

        int[] starts = Starts(n);
        var workers = Partition(starts, n);
        WarmParallel = workers.Count > 1;
        var columns = Columns.Select(c => (int)c).Where(c => c < frame.ColumnArrays.Length && frame.ColumnArrays[c] is not null)
            .Select(c => (c, frame.ColumnArrays[c]!)).ToArray();
        if (workers.Count == 1)
        {
            Replay(_ctx, workers[0], starts, time, columns);
        }
        else
        {
            var other = _ctx.ForWorker();
            var task = Task.Run(() => Replay(other, workers[1], starts, time, columns));
            try
            {
                Replay(_ctx, workers[0], starts, time, columns);
            }
            finally
            {
                task.GetAwaiter().GetResult();
            }

            foreach (int i in workers[1].SelectMany(g => g))
            {
                _values[_positions[i]] = other.Values[_positions[i]];
            }
        }

        WarmStarts = starts;
        _lastOpenTime = time[n - 1];
        BarCount = n;
    }

    /// <summary>Each stream's first bar: the latest its memory allows, and no later than its readers need it exact.</summary>
    private int[] Starts(int n)
    {
        int count = _streams.Count;
        var latest = new long[count];
        Array.Fill(latest, long.MaxValue);
        var starts = new int[count];
        for (int i = count - 1; i >= 0; i--) // readers come after the features they read
        {
            int start = _memory[i].Start(n, (int)Math.Clamp(latest[i], int.MinValue, int.MaxValue));
            starts[i] = start;
            foreach (int d in _links[i].Features)
            {
                var m = _memory[d];
                long exactFrom = m.IsBounded ? (long)start - m.Bars : 0; // d must have converged by the time i starts
                latest[d] = Math.Min(latest[d], exactFrom);
            }
        }

        return starts;
    }

    /// <summary>The groups of streams that share nothing (streams linked by a read, a fused step's members among them, stay together), each
    /// in engine order, split between one or two workers by their number of steps.</summary>
    private List<List<int[]>> Partition(int[] starts, int n)
    {
        int count = _streams.Count;
        var parent = new int[count];
        for (int i = 0; i < count; i++)
        {
            parent[i] = i;
        }

        int Find(int i)
        {
            while (parent[i] != i)
            {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }

            return i;
        }

        for (int i = 0; i < count; i++)
        {
            foreach (int d in _links[i].Features)
            {
                parent[Find(d)] = Find(i);
            }
        }

        var groups = Enumerable.Range(0, count).GroupBy(Find).Select(g => g.Order().ToArray())
            .Select(g => (Members: g, Steps: g.Sum(i => ((long)n - starts[i]) * Weight(i)))).OrderByDescending(g => g.Steps).ThenBy(g => g.Members[0]).ToList();
        long total = groups.Sum(g => g.Steps);
        if (total < ParallelSteps || Environment.ProcessorCount < 2 || groups.Count < 2)
        {
            return [groups.Select(g => g.Members).ToList()];
        }

        // Split in engine order (a prefix of the groups and the rest) rather than dealing the largest groups alternately:
        // streams are allocated in engine order, so each thread then writes its own part of memory every bar instead of
        // states interleaved with the other thread's on shared cache lines.
        var workers = new List<List<int[]>> { new(), new() };
        long done = 0;
        foreach (var (members, steps) in groups.OrderBy(g => g.Members[0]))
        {
            int w = done + (steps / 2) <= total / 2 ? 0 : 1;
            workers[w].Add(members);
            done += steps;
        }

        return workers[1].Count == 0 ? [workers[0]] : workers;
    }

    /// <summary>A stream's share of the work per bar, counted in features: a fused step's runner computes its members that
    /// are computed, the members it writes cost nothing of their own.</summary>
    private int Weight(int stream) => _streams[stream] switch
    {
        FusedMember { Runs: true } runner => System.Numerics.BitOperations.PopCount(runner.Outputs.Wanted),
        FusedMember => 0,
        _ => 1,
    };

    /// <summary>Steps the streams of <paramref name="groups"/> over the bars in engine order, each from its start: one
    /// segment per distinct start, with the streams active in it. (Stepping one group through a block of bars before
    /// the next, to keep its states hot, measured slower: the bar's values are then set once per group and bar.)</summary>
    private void Replay(StreamContext ctx, List<int[]> groups, int[] starts, long[] time, (int Column, double[] Values)[] columns)
    {
        int n = time.Length;
        int[] members = [.. groups.SelectMany(g => g).Order()];
        var bar = ctx.Bar;
        var into = bar.Values;
        var values = ctx.Values;
        var bounds = members.Select(i => starts[i]).Distinct().Order().Append(n).ToArray();
        for (int k = 0; k + 1 < bounds.Length; k++)
        {
            int from = bounds[k], to = bounds[k + 1];
            int[] active = [.. members.Where(i => starts[i] <= from && _steps[i] is not null)];
            var steps = active.Select(i => _steps[i]!).ToArray();
            var slots = active.Select(i => _stepSlots[i]).ToArray();
            for (int t = from; t < to; t++)
            {
                bar.OpenTime = time[t];
                foreach (var (column, source) in columns)
                {
                    into[column] = source[t];
                }

                ctx.Serial = t + 1;
                ctx.BeginBar();
                for (int j = 0; j < steps.Length; j++)
                {
                    values[slots[j]] = steps[j](ctx);
                }

                ctx.EndBar();
            }
        }
    }
}
