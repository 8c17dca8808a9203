using System.Diagnostics;
using System.Text;

namespace Ccx.Dns.Packaging.Tests;

/// <summary>
/// Packs every package into a local folder feed, then builds and runs a fresh console app outside the solution that
/// references them by package id — proving they are consumable as a user consumes them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PackageConsumptionTests
{
    private static readonly string Configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    [Fact]
    public async Task Packages_ConsumedFromFolderFeed_ReconcileOnce()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("ccx-dns-consume-").FullName;
        try
        {
            var feed = Path.Combine(work, "feed");
            // A version of its own, so that no earlier pack in the global packages folder is picked up instead.
            var version = $"0.0.0-consume.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
            var projects = Directory.GetDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj")).Where(File.Exists).ToList();
            Assert.Contains(projects, p => p.EndsWith("Ccx.Dns.csproj", StringComparison.Ordinal));
            foreach (var project in projects)
            {
                await RunAsync(root, "dotnet", "pack", project, "-c", Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}");
            }

            var packages = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).ToList();
            foreach (var project in projects)
            {
                var id = Path.GetFileNameWithoutExtension(project);
                Assert.Contains($"{id}.{version}.nupkg", packages);
                Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"{id} has no symbol package");
            }

            var app = Path.Combine(work, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local-feed" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <NoWarn>NU1603</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Ccx.Dns" Version="{version}" />
                    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />
                    <PackageReference Include="Microsoft.Extensions.Logging" Version="10.0.14" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                using Ccx.Dns;
                using Ccx.Dns.Endpoints;
                using Ccx.Dns.Providers.InMemory;
                using Ccx.Dns.Reconciliation;
                using Ccx.Dns.Sources.Programmatic;
                using Microsoft.Extensions.DependencyInjection;

                var services = new ServiceCollection();
                services.AddLogging();
                services.AddDnsReconciler()
                    .AddInMemoryProvider(o => o.Zones.Add("example.org"))
                    .AddTxtRegistry(o => o.OwnerId = "consumer")
                    .AddProgrammaticSource();
                await using var provider = services.BuildServiceProvider();
                provider.GetRequiredService<ProgrammaticEndpointSource>().ReplaceAll(
                [
                    new DnsEndpoint("db.example.org", RecordType.A, "10.0.0.1"),
                    new DnsEndpoint("replica.db.example.org", RecordType.CNAME, "node-2.example.net"),
                ]);
                var result = await provider.GetRequiredService<DnsReconciler>().RunOnceAsync();
                var zone = await provider.GetRequiredService<InMemoryDnsProvider>().GetRecordsAsync();
                Console.WriteLine($"outcome={result.Outcome} created={result.AppliedChanges.Create.Count} records={zone.Count}");
                foreach (var record in zone.OrderBy(r => r.DnsName, StringComparer.Ordinal)) Console.WriteLine(record);
                return result.Applied && zone.Count == 4 ? 0 : 1;
                """);

            var output = await RunAsync(app, "dotnet", "run", "-c", "Release");

            Assert.Contains("outcome=Applied created=2 records=4", output, StringComparison.Ordinal);
            Assert.Contains("a-db.example.org TXT [\"heritage=external-dns,external-dns/owner=consumer\"]", output, StringComparison.Ordinal);
            Assert.Contains("cname-replica.db.example.org TXT", output, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ccx.Dns.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Ccx.Dns.sln not found above {AppContext.BaseDirectory}");
    }

    private static async Task<string> RunAsync(string workingDirectory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A nested dotnet must not inherit the test host's MSBuild/runner settings.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        Assert.True(process.ExitCode == 0, $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{output}");
        return output;
    }
}
