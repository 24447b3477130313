using System.Globalization;

namespace QuantFeatures.Cli.Tests.Support;

/// <summary>A feature CSV written by the CLI, parsed strictly for assertions.</summary>
public sealed class OutputCsv
{
    private OutputCsv(string[] header, string[][] rows)
    {
        Header = header;
        Rows = rows;
    }

    public string[] Header { get; }

    public string[][] Rows { get; }

    public IEnumerable<string> FeatureNames => Header.Skip(1);

    public static OutputCsv Load(string path) => Parse(File.ReadAllText(path));

    public static OutputCsv Parse(string text)
    {
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text);
        var lines = text[..^1].Split('\n');
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        foreach (var r in rows)
        {
            Assert.Equal(header.Length, r.Length);
        }

        return new OutputCsv(header, rows);
    }

    /// <summary>A feature column: empty cell → NaN, else double.Parse (invariant).</summary>
    public double[] Column(string name)
    {
        int j = Array.IndexOf(Header, name);
        Assert.True(j > 0, $"no column {name}");
        return Rows.Select(r => r[j].Length == 0 ? double.NaN : double.Parse(r[j], NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
    }

    public string[] Cells(string name)
    {
        int j = Array.IndexOf(Header, name);
        Assert.True(j >= 0, $"no column {name}");
        return Rows.Select(r => r[j]).ToArray();
    }
}
