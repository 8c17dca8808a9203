namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>Finds the binaries and scripts the integration tests need, failing with a message that names what is missing.</summary>
internal static class Prerequisites
{
    public const string InstallHint =
        "install them with: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y pdns-server pdns-backend-sqlite3 sqlite3 bind9-dnsutils curl (or run eng/test.sh)";

    public const string PdnsSchema = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";

    /// <summary>Throws when a PowerDNS prerequisite is missing; <paramref name="searchPath"/> replaces PATH (and the sbin fallbacks) when given.</summary>
    public static void RequirePowerDns(string? searchPath = null)
    {
        var missing = new List<string>();
        foreach (var (binary, package) in new[] { ("pdns_server", "pdns-server"), ("sqlite3", "sqlite3"), ("curl", "curl"), ("dig", "bind9-dnsutils") })
        {
            if (FindOnPath(binary, searchPath) is null)
            {
                missing.Add($"'{binary}' (package {package})");
            }
        }

        if (!File.Exists(PdnsSchema))
        {
            missing.Add($"'{PdnsSchema}' (package pdns-backend-sqlite3)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The PowerDNS integration tests need {string.Join(", ", missing)}, which is missing: {InstallHint}.");
        }
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string binary, string? searchPath = null)
    {
        var dirs = searchPath is not null
            ? searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, binary);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The repository root: CCX_DNS_ROOT, or the first parent of the test binaries holding eng/infra.</summary>
    public static string RepositoryRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("CCX_DNS_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "eng", "infra", "start-pdns.sh")))
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

        throw new InvalidOperationException(
            $"Cannot find eng/infra/start-pdns.sh above {AppContext.BaseDirectory}; set CCX_DNS_ROOT to the repository root.");
    }
}
