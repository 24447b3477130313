using Parquet;
using Parquet.Schema;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>The Parquet schema of a record kind's file and the conversion of row groups to and from stored records.</summary>
internal sealed class RecordColumns<T>
    where T : struct, IMarketRecord
{
    public static RecordColumns<T> Instance { get; } = new();

    private readonly RecordLayout<T> _layout = RecordLayout<T>.Instance;
    private readonly DataField<long> _time = new("time", false);
    private readonly DataField<string>? _tag;
    private readonly DataField<double>[] _values;
    private readonly DataField<int> _revision = new("revision", false);
    private readonly DataField<int?> _amendedFrom = new("amended_from", true);
    private readonly DataField<long> _fetchedAt = new("fetched_at", false);

    private RecordColumns()
    {
        _tag = _layout.TagColumn is { } tag ? new DataField<string>(tag, false) : null;
        _values = [.. _layout.ValueColumns.Select(n => new DataField<double>(n, false))];
        var fields = new List<DataField> { _time };
        if (_tag is not null)
        {
            fields.Add(_tag);
        }

        fields.AddRange(_values);
        fields.AddRange([_revision, _amendedFrom, _fetchedAt]);
        Fields = fields;
        Schema = new ParquetSchema(fields);
    }

    public IReadOnlyList<DataField> Fields { get; }

    public ParquetSchema Schema { get; }

    public RecordLayout<T> Layout => _layout;

    /// <summary>Writes <paramref name="rows"/> (sorted by key) as one row group and returns its bounds.</summary>
    public async Task<GroupInfo> WriteGroupAsync(ParquetWriter writer, ReadOnlyMemory<StoredRecord<T>> rows, CancellationToken cancellationToken)
    {
        int n = rows.Length;
        var time = new long[n];
        var tag = _tag is null ? null : new string[n];
        var values = new double[_values.Length][];
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = new double[n];
        }

        var revision = new int[n];
        var amended = new int?[n];
        var fetched = new long[n];
        Span<double> v = stackalloc double[_values.Length];
        int flags = 0;
        var span = rows.Span;
        for (int i = 0; i < n; i++)
        {
            ref readonly var r = ref span[i];
            time[i] = r.Record.Time;
            if (tag is not null)
            {
                tag[i] = _layout.TagValues[_layout.Tag(r.Record)];
            }

            _layout.Values(r.Record, v);
            for (int j = 0; j < v.Length; j++)
            {
                values[j][i] = v[j];
            }

            flags |= _layout.OptionalFlags(r.Record);
            revision[i] = r.Revision.Revision;
            amended[i] = r.Revision.AmendedFrom;
            fetched[i] = r.Revision.FetchedAt;
        }

        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(_time, time, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (_tag is not null)
            {
                await group.WriteAsync(_tag, tag!).ConfigureAwait(false);
            }

            for (int j = 0; j < _values.Length; j++)
            {
                await group.WriteAsync<double>(_values[j], values[j], cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            await group.WriteAsync<int>(_revision, revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<int>(_amendedFrom, amended, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<long>(_fetchedAt, fetched, cancellationToken: cancellationToken).ConfigureAwait(false);
            group.CompleteValidate();
        }

        return new GroupInfo(time.Min(), time.Max(), n, fetched.Min(), fetched.Max(), flags);
    }

    /// <summary>Decodes one row group into stored records, in file order.</summary>
    public async Task<StoredRecord<T>[]> ReadGroupAsync(OpenedFile file, int index, CancellationToken cancellationToken)
    {
        var group = file.Reader.RowGroups[index];
        int n = checked((int)group.RowCount);
        var time = new long[n];
        await group.ReadAsync<long>(_time, time, cancellationToken: cancellationToken).ConfigureAwait(false);
        int[]? tags = null;
        if (_tag is not null)
        {
            var text = new string[n];
            await group.ReadAsync(_tag, text, cancellationToken: cancellationToken).ConfigureAwait(false);
            tags = new int[n];
            for (int i = 0; i < n; i++)
            {
                int t = Array.IndexOf(_layout.TagValues, text[i]);
                tags[i] = t >= 0 ? t : throw new InvalidDataException(
                    $"{file.Path}: row group {index} row {i} has {_tag.Name} '{text[i]}' (expected one of {string.Join(", ", _layout.TagValues)}).");
            }
        }

        var values = new double[_values.Length][];
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = new double[n];
            await group.ReadAsync<double>(_values[j], values[j], cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var revision = new int[n];
        var amended = new int?[n];
        var fetched = new long[n];
        await group.ReadAsync<int>(_revision, revision, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<int>(_amendedFrom, amended, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<long>(_fetchedAt, fetched, cancellationToken: cancellationToken).ConfigureAwait(false);

        var rows = new StoredRecord<T>[n];
        Span<double> v = stackalloc double[_values.Length];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < v.Length; j++)
            {
                v[j] = values[j][i];
            }

            rows[i] = new StoredRecord<T>(_layout.Make(time[i], tags?[i] ?? 0, v), new RecordRevision(revision[i], amended[i], fetched[i]));
        }

        return rows;
    }
}
