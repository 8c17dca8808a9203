using System.Globalization;
using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>One answer record as dig prints it.</summary>
/// <param name="Name">The owner name, with its trailing dot.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Type">The record type.</param>
/// <param name="Data">The record data in presentation format.</param>
public sealed record DigAnswer(string Name, long Ttl, string Type, string Data);

/// <summary>
/// Real DNS queries to a loopback server through dig (bind9-dnsutils):
/// <c>dig @127.0.0.1 -p PORT +noall +answer NAME TYPE</c>: an answer checked by a resolver that is not the project's own.
/// </summary>
/// <param name="port">The server's DNS port on 127.0.0.1.</param>
public sealed class DigClient(int port)
{
    /// <summary>The answer section for NAME/TYPE (empty for NXDOMAIN or NODATA). Over TCP when <paramref name="tcp"/>.</summary>
    public async Task<IReadOnlyList<DigAnswer>> QueryAsync(string name, string type, bool tcp = false)
    {
        var args = new List<string> { "@127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "+noall", "+answer", "+time=2", "+tries=2" };
        if (tcp)
        {
            args.Add("+tcp");
        }

        args.AddRange([name, type]);
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync("dig", args, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dig {string.Join(' ', args)} failed ({exitCode}): {stderr}{stdout}");
        }

        var answers = new List<DigAnswer>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(';'))
            {
                continue;
            }

            // name TTL class type data…
            var fields = line.Split([' ', '\t'], 5, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 5 && string.Equals(fields[3], type, StringComparison.OrdinalIgnoreCase))
            {
                answers.Add(new DigAnswer(fields[0], long.Parse(fields[1], CultureInfo.InvariantCulture), fields[3], fields[4].Trim()));
            }
        }

        return answers;
    }

    /// <summary>The record data of NAME/TYPE, sorted ordinally.</summary>
    public async Task<string[]> DataAsync(string name, string type) =>
        [.. (await QueryAsync(name, type).ConfigureAwait(false)).Select(a => a.Data).Order(StringComparer.Ordinal)];

    /// <summary>Each TXT record of NAME decoded to its text (character-strings concatenated), sorted ordinally.</summary>
    public async Task<string[]> TxtAsync(string name) =>
        [.. (await QueryAsync(name, "TXT").ConfigureAwait(false)).Select(a => DecodeTxt(a.Data)).Order(StringComparer.Ordinal)];

    /// <summary>The character-strings of a TXT record as dig prints it (<c>"a\"b" "c\195\169"</c>), decoded.</summary>
    public static IReadOnlyList<string> TxtStrings(string data)
    {
        var strings = new List<string>();
        var bytes = new List<byte>();
        var i = 0;
        while (i < data.Length)
        {
            if (data[i] == ' ')
            {
                i++;
                continue;
            }

            if (data[i] != '"')
            {
                throw new FormatException($"unquoted TXT data from dig: {data}");
            }

            i++;
            bytes.Clear();
            while (data[i] != '"')
            {
                if (data[i] == '\\')
                {
                    if (i + 3 < data.Length && char.IsAsciiDigit(data[i + 1]) && char.IsAsciiDigit(data[i + 2]) && char.IsAsciiDigit(data[i + 3]))
                    {
                        bytes.Add(byte.Parse(data.AsSpan(i + 1, 3), CultureInfo.InvariantCulture));
                        i += 4;
                        continue;
                    }

                    i++;
                }

                bytes.AddRange(Encoding.UTF8.GetBytes(data[i].ToString()));
                i++;
            }

            i++;
            strings.Add(Encoding.UTF8.GetString([.. bytes]));
        }

        return strings;
    }

    /// <summary>The text of a TXT record: its character-strings concatenated.</summary>
    public static string DecodeTxt(string data) => string.Concat(TxtStrings(data));
}
