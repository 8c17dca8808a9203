using System.Globalization;
using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>One HTTP/1.1 request as read from the wire.</summary>
/// <param name="Method">The method.</param>
/// <param name="Target">The request target (path and query).</param>
/// <param name="Head">The request line and header lines as received, joined by CRLF.</param>
/// <param name="Headers">The headers in order.</param>
/// <param name="Body">The body (de-chunked when it was sent chunked).</param>
/// <param name="WantsClose">Whether the caller asked to close the connection after the answer.</param>
public sealed record HttpWireRequest(string Method, string Target, string Head, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, bool WantsClose)
{
    /// <summary>The path (the target without its query).</summary>
    public string Path => Target.Split('?', 2)[0];

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The first header of that name (case-insensitive), or null.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value, or null.</returns>
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>Reads HTTP/1.1 requests (request line, headers, a Content-Length or chunked body) from a connection, one after another.</summary>
/// <param name="stream">The connection's stream.</param>
public sealed class HttpRequestReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next request, or null when the caller closed the connection between requests.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The request, or null.</returns>
    /// <exception cref="InvalidDataException">What arrived is not an HTTP/1.1 request, or the connection closed inside one.</exception>
    public async Task<HttpWireRequest?> ReadAsync(CancellationToken cancellationToken)
    {
        var headEnd = await FillUntilAsync("\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        if (headEnd < 0)
        {
            return _end == _start ? null : throw new InvalidDataException("connection closed inside a request head");
        }

        var head = Encoding.ASCII.GetString(_buffer, _start, headEnd - _start);
        _start = headEnd + 4;
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            throw new InvalidDataException("bad request line: " + lines[0]);
        }

        var headers = new List<(string Name, string Value)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        string? Get(string name) => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
        var body = Get("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? await ReadChunkedAsync(cancellationToken).ConfigureAwait(false)
            : await ReadExactlyAsync(int.TryParse(Get("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0, cancellationToken).ConfigureAwait(false);
        var close = string.Equals(Get("Connection"), "close", StringComparison.OrdinalIgnoreCase);
        return new HttpWireRequest(requestLine[0], requestLine[1], head, headers, body, close);
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var lineEnd = await FillUntilAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            if (lineEnd < 0)
            {
                throw new InvalidDataException("connection closed inside a chunked request body");
            }

            var sizeText = Encoding.ASCII.GetString(_buffer, _start, lineEnd - _start).Split(';')[0].Trim();
            _start = lineEnd + 2;
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            body.Write(await ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false));
            if ((await ReadExactlyAsync(2, cancellationToken).ConfigureAwait(false)) is not [(byte)'\r', (byte)'\n'])
            {
                throw new InvalidDataException("a chunk not followed by CRLF");
            }

            if (size == 0)
            {
                return body.ToArray();
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        var copied = 0;
        while (copied < length)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidDataException("connection closed inside a request body");
            }

            var take = Math.Min(length - copied, _end - _start);
            Array.Copy(_buffer, _start, bytes, copied, take);
            _start += take;
            copied += take;
        }

        return bytes;
    }

    /// <summary>Reads until the buffer holds <paramref name="marker"/>; its index, or -1 when the connection closed first.</summary>
    private async Task<int> FillUntilAsync(byte[] marker, CancellationToken cancellationToken)
    {
        int index;
        while ((index = _buffer.AsSpan(_start, _end - _start).IndexOf(marker)) < 0)
        {
            if (_end - _start >= _buffer.Length)
            {
                throw new InvalidDataException("request head larger than 64 KB");
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return -1;
            }
        }

        return _start + index;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }
}
