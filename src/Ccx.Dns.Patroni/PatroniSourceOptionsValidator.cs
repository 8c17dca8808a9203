using System.Globalization;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Patroni;

/// <summary>Checks <see cref="PatroniSourceOptions"/> and reports every problem at once, naming the setting.</summary>
public sealed class PatroniSourceOptionsValidator : IValidateOptions<PatroniSourceOptions>
{
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PatroniSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Lists the problems of the options; empty when they are valid.</summary>
    /// <param name="options">The options.</param>
    /// <returns>One message per problem.</returns>
    internal static List<string> Collect(PatroniSourceOptions options)
    {
        var errors = new List<string>();
        if (options.PollInterval < MinPollInterval || options.PollInterval > MaxDuration)
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.PollInterval)} must be from {MinPollInterval.TotalMilliseconds} ms to 1 day (was {options.PollInterval})."));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > MaxDuration)
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.RequestTimeout)} must be greater than zero and at most 1 day (was {options.RequestTimeout})."));
        }

        if (options.HealthStaleAfter <= TimeSpan.Zero || options.HealthStaleAfter > MaxDuration)
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.HealthStaleAfter)} must be greater than zero and at most 1 day (was {options.HealthStaleAfter})."));
        }

        if (options.MaxReplicaLagBytes is < 0)
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.MaxReplicaLagBytes)} must not be negative (was {options.MaxReplicaLagBytes})."));
        }

        if (options.ReplicaPublishAfterReads is < 1 or > 1000)
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.ReplicaPublishAfterReads)} must be from 1 to 1000 (was {options.ReplicaPublishAfterReads})."));
        }

        if (options.MaxConcurrentRequests is < 1 or > 10_000)
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.MaxConcurrentRequests)} must be from 1 to 10000 (was {options.MaxConcurrentRequests})."));
        }

        if (!Enum.IsDefined(options.StandbyLeaderRole))
        {
            errors.Add(Invariant($"{nameof(PatroniSourceOptions.StandbyLeaderRole)} must be Replica or Primary (was {(int)options.StandbyLeaderRole})."));
        }

        if (options.CallbackListenerPrefix is { } prefix && CheckPrefix(prefix) is { } prefixError)
        {
            errors.Add($"{nameof(PatroniSourceOptions.CallbackListenerPrefix)} {prefixError}.");
        }

        var naming = options.Naming;
        var namingValid = false;
        if (naming is null)
        {
            errors.Add($"{nameof(PatroniSourceOptions.Naming)} must not be null.");
        }
        else
        {
            var result = new DatastoreNamingSourceOptionsValidator().Validate(Options.DefaultName, naming);
            namingValid = result.Succeeded;
            if (result.Failed)
            {
                errors.AddRange(result.Failures.Select(f => $"{nameof(PatroniSourceOptions.Naming)}: {f}"));
            }
        }

        CheckDatastores(options, namingValid ? naming! : new DatastoreNamingSourceOptions(), errors);
        return errors;
    }

    private static void CheckDatastores(PatroniSourceOptions options, DatastoreNamingSourceOptions naming, List<string> errors)
    {
        if (options.Datastores is null || options.Datastores.Count == 0)
        {
            errors.Add($"{nameof(PatroniSourceOptions.Datastores)} must list at least one datastore (its Id, UserDomain and RestApiUrls).");
            return;
        }

        // The naming rules decide which user domains give valid names; ask them rather than repeating them.
        var rules = new DatastoreNamingSource(Options.Create(naming));
        var ids = new HashSet<Guid>();
        for (var i = 0; i < options.Datastores.Count; i++)
        {
            var setting = Invariant($"{nameof(PatroniSourceOptions.Datastores)}[{i}]");
            var datastore = options.Datastores[i];
            if (datastore is null)
            {
                errors.Add($"{setting} is empty.");
                continue;
            }

            if (datastore.Id == Guid.Empty)
            {
                errors.Add($"{setting}.{nameof(PatroniDatastoreOptions.Id)} is required (a non-empty UUID).");
            }
            else if (!ids.Add(datastore.Id))
            {
                errors.Add($"{setting}.{nameof(PatroniDatastoreOptions.Id)} {datastore.Id} appears more than once.");
            }

            if (string.IsNullOrWhiteSpace(datastore.UserDomain))
            {
                errors.Add($"{setting}.{nameof(PatroniDatastoreOptions.UserDomain)} is required (for example db.example.org).");
            }
            else
            {
                try
                {
                    rules.EndpointsFor(new DatastoreCluster(datastore.Id == Guid.Empty ? Guid.NewGuid() : datastore.Id, datastore.UserDomain, []));
                }
                catch (ArgumentException ex)
                {
                    errors.Add($"{setting}.{nameof(PatroniDatastoreOptions.UserDomain)} '{datastore.UserDomain}' is not valid: {ex.Message}");
                }
            }

            if (datastore.MaxReplicaLagBytes is < 0)
            {
                errors.Add(Invariant($"{setting}.{nameof(PatroniDatastoreOptions.MaxReplicaLagBytes)} must not be negative (was {datastore.MaxReplicaLagBytes})."));
            }

            CheckUrls(datastore.RestApiUrls, setting + "." + nameof(PatroniDatastoreOptions.RestApiUrls), errors);
        }
    }

    private static void CheckUrls(IList<string> urls, string setting, List<string> errors)
    {
        if (urls is null || urls.Count == 0)
        {
            errors.Add($"{setting} must list the REST API of at least one member (for example http://10.0.0.11:8008).");
            return;
        }

        var authorities = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var j = 0; j < urls.Count; j++)
        {
            var item = Invariant($"{setting}[{j}]");
            var url = TryParseUrl(urls[j], out var error);
            if (url is null)
            {
                errors.Add($"{item} {error}.");
            }
            else if (!authorities.Add(url.Authority))
            {
                errors.Add($"{item} names the same host and port as an earlier URL ({url.Authority}); members are told apart by host and port.");
            }
        }
    }

    /// <summary>Parses a member's REST API base URL; null with the reason when it is not usable. The reason never repeats the value (it could carry credentials).</summary>
    /// <param name="value">The configured value.</param>
    /// <param name="error">The reason, when null is returned.</param>
    /// <returns>The URL, with a trailing slash on its path.</returns>
    internal static Uri? TryParseUrl(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "is empty";
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = "must be an absolute http or https URL";
            return null;
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            error = "must not carry user information (Patroni's GET /cluster needs no credentials)";
            return null;
        }

        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            error = "must not have a query or fragment";
            return null;
        }

        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.GetLeftPart(UriPartial.Path) + "/");
    }

    private static string? CheckPrefix(string prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix))
        {
            return "is empty; leave it unset to listen on nothing";
        }

        // HttpListener accepts '+' and '*' as "any host"; they are not valid in a Uri.
        var probe = prefix.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            return "must be an absolute http URL such as http://127.0.0.1:8089/ccx-dns/patroni/";
        }

        if (!prefix.EndsWith('/'))
        {
            return "must end with '/'";
        }

        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            return "must not have a query, fragment or user information";
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
