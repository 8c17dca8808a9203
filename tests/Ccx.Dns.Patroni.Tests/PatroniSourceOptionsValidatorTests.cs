using Ccx.Dns.Patroni;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Patroni.Tests;

public sealed class PatroniSourceOptionsValidatorTests
{
    private static PatroniSourceOptions Valid()
    {
        var options = new PatroniSourceOptions();
        var datastore = new PatroniDatastoreOptions { Id = Guid.NewGuid(), UserDomain = "db.example.org" };
        datastore.RestApiUrls.Add("http://127.0.0.1:8008");
        datastore.RestApiUrls.Add("https://pg2.example.org:8008/prefix");
        options.Datastores.Add(datastore);
        return options;
    }

    private static IReadOnlyList<string> Failures(PatroniSourceOptions options)
    {
        var result = new PatroniSourceOptionsValidator().Validate(null, options);
        return result.Failures?.ToList() ?? [];
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        Assert.True(new PatroniSourceOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Validate_NoDatastore_FailsSayingWhatIsNeeded()
    {
        var failure = Assert.Single(Failures(new PatroniSourceOptions()));
        Assert.StartsWith("Datastores must list at least one datastore", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryBadSetting_ReportedAtOnceNamingIt()
    {
        var options = Valid();
        options.PollInterval = TimeSpan.FromMilliseconds(1);
        options.RequestTimeout = TimeSpan.Zero;
        options.HealthStaleAfter = TimeSpan.FromDays(2);
        options.MaxReplicaLagBytes = -1;
        options.ReplicaPublishAfterReads = 0;
        options.MaxConcurrentRequests = 0;
        options.StandbyLeaderRole = (PatroniStandbyLeaderRole)7;
        options.CallbackListenerPrefix = "http://127.0.0.1:8089/no-slash";
        options.Naming.RecordTtl = TimeSpan.FromMilliseconds(1500);
        options.Naming.ReplicaLabel = "a.b";
        var second = new PatroniDatastoreOptions { Id = options.Datastores[0].Id, UserDomain = "bad domain!", MaxReplicaLagBytes = -5 };
        second.RestApiUrls.Add("ftp://127.0.0.1:8008");
        second.RestApiUrls.Add("http://user:secret@127.0.0.1:8008");
        second.RestApiUrls.Add("http://127.0.0.1:8008/?x=1");
        second.RestApiUrls.Add("http://127.0.0.2:8008");
        second.RestApiUrls.Add("http://127.0.0.2:8008/other");
        options.Datastores.Add(second);
        options.Datastores.Add(new PatroniDatastoreOptions());

        var failures = Failures(options);

        string[] expected =
        [
            "PollInterval must be from 10 ms",
            "RequestTimeout must be greater than zero",
            "HealthStaleAfter must be greater than zero",
            "MaxReplicaLagBytes must not be negative",
            "ReplicaPublishAfterReads must be from 1",
            "MaxConcurrentRequests must be from 1",
            "StandbyLeaderRole must be Replica or Primary",
            "CallbackListenerPrefix must end with '/'",
            "Naming: RecordTtl must be a whole number of seconds",
            "Naming: ReplicaLabel 'a.b' is not valid",
            "Datastores[1].Id " + options.Datastores[0].Id + " appears more than once",
            "Datastores[1].UserDomain 'bad domain!' is not valid",
            "Datastores[1].MaxReplicaLagBytes must not be negative",
            "Datastores[1].RestApiUrls[0] must be an absolute http or https URL",
            "Datastores[1].RestApiUrls[1] must not carry user information",
            "Datastores[1].RestApiUrls[2] must not have a query or fragment",
            "Datastores[1].RestApiUrls[4] names the same host and port as an earlier URL",
            "Datastores[2].Id is required",
            "Datastores[2].UserDomain is required",
            "Datastores[2].RestApiUrls must list the REST API of at least one member",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(failures, f => f.StartsWith(text, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, failures.Count);
        Assert.DoesNotContain(failures, f => f.Contains("secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://+:8089/ccx-dns/")]
    [InlineData("http://*:8089/")]
    [InlineData("http://10.0.0.5:8089/patroni/")]
    public void Validate_ListenerPrefixesHttpListenerAccepts_Succeed(string prefix)
    {
        var options = Valid();
        options.CallbackListenerPrefix = prefix;
        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("https://127.0.0.1:8089/")]
    [InlineData("not a url/")]
    [InlineData("   ")]
    public void Validate_BadListenerPrefix_Fails(string prefix)
    {
        var options = Valid();
        options.CallbackListenerPrefix = prefix;
        Assert.StartsWith("CallbackListenerPrefix", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithEveryFailure()
    {
        var options = Valid();
        options.PollInterval = TimeSpan.Zero;
        options.Datastores[0].UserDomain = null;

        var ex = Assert.Throws<OptionsValidationException>(() => new PatroniSource(Options.Create(options)));

        Assert.Equal(2, ex.Failures.Count());
    }
}
