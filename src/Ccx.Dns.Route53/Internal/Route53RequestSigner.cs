using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// Signs requests with AWS Signature Version 4 through AWSSDK.Core's public <see cref="AWSSigV4Signer"/> (signing
/// name <c>route53</c>), at the time of the injected <see cref="TimeProvider"/>. Credentials come from the options,
/// a named profile, or AWSSDK.Core's default chain (environment, profiles, web identity, container, IMDS),
/// resolved once; the SDK credential objects refresh themselves.
/// </summary>
internal sealed class Route53RequestSigner
{
    private readonly RegionEndpoint _region;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Func<CancellationToken, Task<AWSCredentials>> _resolve;
    private Task<AWSCredentials>? _pending;

    public Route53RequestSigner(Route53ProviderOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _region = RegionEndpoint.GetBySystemName(options.SigningRegion);
        _timeProvider = timeProvider;
        var explicitCredentials = options.Credentials;
        var profile = options.Profile;
        _resolve = explicitCredentials is not null
            ? _ => Task.FromResult(explicitCredentials)
            : !string.IsNullOrEmpty(profile)
                ? _ => Task.FromResult(FromProfile(profile))
                : ResolveDefaultAsync;
    }

    /// <summary>The credentials in use (resolved once, on first use; a failed resolution is tried again next time).</summary>
    public async Task<AWSCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        Task<AWSCredentials> task;
        lock (_gate)
        {
            task = _pending ??= ResolveOnceAsync();
        }

        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DnsProviderException)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pending, task))
                {
                    _pending = null;
                }
            }

            throw;
        }
    }

    /// <summary>The access key id of the resolved credentials (used only as a rate-limiter partition, never logged).</summary>
    public async Task<string> GetAccessKeyIdAsync(CancellationToken cancellationToken)
    {
        var credentials = await GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        return immutable.AccessKey;
    }

    /// <summary>Adds <c>X-Amz-Date</c>, <c>X-Amz-Content-SHA256</c>, <c>Authorization</c> (and the session token when any).</summary>
    public async Task SignAsync(HttpRequestMessage request, byte[]? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var credentials = await GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var signing = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri,
            Content = body ?? [],
        };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            signing.Headers["Content-Type"] = contentType.ToString();
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = _region,
            Service = "route53",
            SignPayload = true,
            SignedAt = _timeProvider.GetUtcNow().UtcDateTime,
        };
        AWSSigningResult result;
        try
        {
            result = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException)
        {
            throw new DnsProviderException("Route 53: signing the request failed (credentials unavailable?): " + e.GetType().Name, isTransient: true, e);
        }

        foreach (var (name, value) in result.Headers)
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private async Task<AWSCredentials> ResolveOnceAsync()
    {
        try
        {
            return await _resolve(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException)
        {
            // The SDK's messages name the sources it tried (environment, profile, metadata), never key material.
            throw new DnsProviderException("Route 53: no AWS credentials could be resolved: " + e.Message, isTransient: false, e);
        }
    }

    private static AWSCredentials FromProfile(string profile)
    {
        var chain = new CredentialProfileStoreChain();
        return chain.TryGetAWSCredentials(profile, out var credentials)
            ? credentials
            : throw new DnsProviderException($"Route 53: AWS profile '{profile}' was not found in the shared credentials or config files", isTransient: false);
    }

    private static async Task<AWSCredentials> ResolveDefaultAsync(CancellationToken cancellationToken)
    {
        using var resolver = new DefaultAWSCredentialsIdentityResolver();
        return await resolver.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
    }
}
