using System.Globalization;
using System.Net;
using Npgsql;

namespace Ccx.Dns.Patroni.Tests.Infrastructure;

/// <summary>
/// Connects to PostgreSQL at an address — the one a DNS name resolved to through the test's own DNS server, since the
/// system resolver does not know the test zone — and asks whether the server is in recovery (a replica).
/// </summary>
public static class PostgresProbe
{
    public static async Task<bool> IsInRecoveryAsync(IPAddress address, int port, string user, string password)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = address.ToString(),
            Port = port,
            Username = user,
            Password = password,
            Database = "postgres",
            Pooling = false,
            Timeout = 5,
            CommandTimeout = 5,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public static string Describe(IPAddress address, int port) => string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");
}
