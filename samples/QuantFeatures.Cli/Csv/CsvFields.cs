namespace QuantFeatures.Cli.Csv;

/// <summary>Splits one CSV line into fields without allocating (comma separator, RFC 4180 double quotes).</summary>
public static class CsvFields
{
    /// <summary>
    /// Finds the fields of <paramref name="line"/> and stores their ranges (quotes removed, surrounding spaces trimmed)
    /// in <paramref name="fields"/>, growing it when needed.
    /// </summary>
    /// <returns>The number of fields, or −1 when a quoted field is not closed (the line is malformed).</returns>
    public static int Split(ReadOnlySpan<char> line, ref Range[] fields)
    {
        int count = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            int end;
            while (start < line.Length && line[start] == ' ')
            {
                start++;
            }

            if (start < line.Length && line[start] == '"')
            {
                int close = start + 1;
                while (true)
                {
                    int q = line[close..].IndexOf('"');
                    if (q < 0)
                    {
                        return -1;
                    }

                    close += q;
                    if (close + 1 < line.Length && line[close + 1] == '"')
                    {
                        close += 2;
                        continue;
                    }

                    break;
                }

                int after = line[(close + 1)..].IndexOf(',');
                if (line[(close + 1)..(after < 0 ? line.Length : close + 1 + after)].Trim(' ').Length != 0)
                {
                    return -1;
                }

                Add(ref fields, ref count, new Range(start + 1, close));
                if (after < 0)
                {
                    return count;
                }

                i = close + 1 + after + 1;
                continue;
            }

            int comma = line[i..].IndexOf(',');
            end = comma < 0 ? line.Length : i + comma;
            int stop = end;
            while (stop > start && line[stop - 1] == ' ')
            {
                stop--;
            }

            Add(ref fields, ref count, new Range(Math.Min(start, stop), stop));
            if (comma < 0)
            {
                return count;
            }

            i = end + 1;
        }
    }

    private static void Add(ref Range[] fields, ref int count, Range range)
    {
        if (count == fields.Length)
        {
            Array.Resize(ref fields, Math.Max(8, fields.Length * 2));
        }

        fields[count++] = range;
    }
}
