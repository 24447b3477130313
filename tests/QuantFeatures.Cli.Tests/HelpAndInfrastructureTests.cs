using System.Text;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

public class HelpAndInfrastructureTests
{
    [Fact]
    public void Every_command_has_help()
    {
        foreach (var command in CliApp.Commands)
        {
            foreach (var flag in new[] { "--help", "-h" })
            {
                var r = CliRunner.Ok(command.Name, flag);
                Assert.StartsWith($"Usage: quantfeatures {command.Name}", r.Stdout);
                foreach (var option in command.Options)
                {
                    Assert.Contains("--" + option.Name, r.Stdout);
                }
            }

            Assert.StartsWith($"Usage: quantfeatures {command.Name}", CliRunner.Ok("help", command.Name).Stdout);
        }
    }

    [Fact]
    public void General_help_and_version()
    {
        foreach (var args in new[] { Array.Empty<string>(), ["--help"], ["help"] })
        {
            var r = CliRunner.Ok(args);
            Assert.Contains("Usage: quantfeatures <command>", r.Stdout);
            Assert.All(CliApp.Commands, c => Assert.Contains("  " + c.Name + " ", r.Stdout));
        }

        Assert.StartsWith("quantfeatures ", CliRunner.Ok("--version").Stdout);
    }

    [Theory]
    [InlineData("a,b\nc,d\n", new[] { "a,b", "c,d" })]
    [InlineData("a,b\r\nc,d", new[] { "a,b", "c,d" })]
    [InlineData("\n\nx\n", new[] { "", "", "x" })]
    [InlineData("", new string[0])]
    public void Line_reader_splits_lines(string text, string[] expected)
    {
        using var reader = new CsvLineReader(new StringReader(text));
        var lines = new List<string>();
        while (reader.TryReadLine(out var line))
        {
            lines.Add(line.ToString());
            Assert.Equal(lines.Count, reader.LineNumber);
        }

        Assert.Equal(expected, lines);
    }

    [Fact]
    public void Line_reader_handles_lines_across_buffer_refills()
    {
        var sb = new StringBuilder();
        var expected = new List<string>();
        var rnd = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            var line = new string((char)('a' + (i % 26)), rnd.Next(0, i % 100 == 0 ? 200_000 : 300));
            expected.Add(line);
            sb.Append(line).Append(i % 3 == 0 ? "\r\n" : "\n");
        }

        using var reader = new CsvLineReader(new StringReader(sb.ToString()));
        var lines = new List<string>();
        while (reader.TryReadLine(out var line))
        {
            lines.Add(line.ToString());
        }

        Assert.Equal(expected, lines);
    }

    [Fact]
    public void Line_reader_refuses_absurdly_long_lines()
    {
        using var reader = new CsvLineReader(new StringReader(new string('x', CsvLineReader.MaxLineLength + 10)));
        Assert.Throws<FormatException>(() => reader.TryReadLine(out _));
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData(" a , b ,c ", new[] { "a", "b", "c" })]
    [InlineData("\"a,1\",\"b\"\"q\",c", new[] { "a,1", "b\"\"q", "c" })]
    [InlineData(",,", new[] { "", "", "" })]
    [InlineData("", new[] { "" })]
    public void Fields_split_with_quotes(string line, string[] expected)
    {
        var fields = new Range[2];
        int n = CsvFields.Split(line, ref fields);
        Assert.Equal(expected, fields.Take(n).Select(r => line[r]));
    }

    [Theory]
    [InlineData("\"abc")]
    [InlineData("\"a\"b,c")]
    public void Unclosed_or_dangling_quotes_are_malformed(string line)
    {
        var fields = new Range[4];
        Assert.Equal(-1, CsvFields.Split(line, ref fields));
    }
}
