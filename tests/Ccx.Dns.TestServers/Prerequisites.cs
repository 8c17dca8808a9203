namespace Ccx.Dns.TestServers;

/// <summary>Finds the binaries the real servers need, failing with a message that names what is missing and how to install it.</summary>
public static class Prerequisites
{
    /// <summary>The PowerDNS sqlite schema the start script loads.</summary>
    public const string PdnsSchema = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";

    /// <summary>Throws when a binary is missing.</summary>
    /// <param name="server">The server that needs them, for the message.</param>
    /// <param name="binaries">(binary, Debian package) pairs.</param>
    /// <exception cref="InvalidOperationException">Something is missing.</exception>
    public static void Require(string server, params (string Binary, string Package)[] binaries)
    {
        var missing = binaries.Where(b => FindOnPath(b.Binary) is null).Select(b => $"'{b.Binary}' (package {b.Package})").ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{server} is needed by these tests but {string.Join(", ", missing)} is missing: install with " +
                $"'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {string.Join(' ', binaries.Select(b => b.Package).Distinct())}' (or run eng/test.sh).");
        }
    }

    /// <summary>The full path of an executable on PATH or in the sbin folders, or null.</summary>
    /// <param name="binary">The executable's name.</param>
    /// <returns>The path, or null.</returns>
    public static string? FindOnPath(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, binary))
            .FirstOrDefault(File.Exists);

    /// <summary>The repository root: CCX_DNS_ROOT, or the first parent of the running binaries holding eng/infra.</summary>
    /// <returns>The path.</returns>
    public static string RepositoryRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("CCX_DNS_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(Path.Combine(fromEnv, "eng", "infra")))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "eng", "infra", "start-pdns.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find eng/infra/start-pdns.sh above {AppContext.BaseDirectory}; set CCX_DNS_ROOT to the repository root.");
    }
}
