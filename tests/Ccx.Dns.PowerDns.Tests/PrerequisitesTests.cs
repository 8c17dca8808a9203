namespace Ccx.Dns.PowerDns.Tests;

public sealed class PrerequisitesTests
{
    [Fact]
    public void RequirePowerDns_BinariesMissing_FailsNamingThemAndHowToInstall()
    {
        var empty = Directory.CreateTempSubdirectory("ccx-empty-path-");
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Prerequisites.RequirePowerDns(empty.FullName));

            Assert.Contains("'pdns_server' (package pdns-server)", ex.Message, StringComparison.Ordinal);
            Assert.Contains("'dig' (package bind9-dnsutils)", ex.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install -y pdns-server pdns-backend-sqlite3 sqlite3 bind9-dnsutils curl", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete();
        }
    }
}
