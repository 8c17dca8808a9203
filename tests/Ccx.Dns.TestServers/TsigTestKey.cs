using System.Security.Cryptography;

namespace Ccx.Dns.TestServers;

/// <summary>A TSIG key a test DNS server accepts.</summary>
/// <param name="Name">The key name.</param>
/// <param name="Algorithm">The algorithm, for example <c>hmac-sha256</c>.</param>
/// <param name="Secret">The secret, base64.</param>
public sealed record TsigTestKey(string Name, string Algorithm, string Secret)
{
    /// <summary>A key with a fresh random secret as long as the algorithm's digest.</summary>
    /// <param name="name">The key name.</param>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>The key.</returns>
    public static TsigTestKey Create(string name, string algorithm = "hmac-sha256")
    {
        var bytes = algorithm switch
        {
            "hmac-sha1" => 20,
            "hmac-sha224" => 28,
            "hmac-sha384" => 48,
            "hmac-sha512" => 64,
            _ => 32,
        };
        return new TsigTestKey(name, algorithm, Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
    }

    /// <summary>Never shows the secret.</summary>
    /// <returns>The name and algorithm.</returns>
    public override string ToString() => $"{Name} ({Algorithm})";
}
