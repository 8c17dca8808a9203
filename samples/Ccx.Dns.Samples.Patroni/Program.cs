// Ccx.Dns beside Patroni: publishes <datastore id>.<user domain> (the leader) and replica.<datastore id>.<user domain>
// (the running replicas) of the Patroni clusters listed in appsettings.json into PowerDNS, reads Patroni's GET /cluster
// every second, and maps POST /ccx-dns/patroni/refresh/{id} for Patroni's on_role_change callback
// (ccx-dns-patroni-callback.sh). Run it against a real Patroni as README.md beside this file says:
//   dotnet run --project samples/Ccx.Dns.Samples.Patroni
using System.Text.Json.Serialization;
using Ccx.Dns;
using Ccx.Dns.Patroni;

var builder = WebApplication.CreateBuilder(args);

// The reconciler, PowerDNS as the provider, TXT ownership records, and the Patroni source — all from configuration
// (appsettings.json, environment variables such as PowerDns__ApiKey, or the command line).
builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"))
    .AddPowerDnsProvider(builder.Configuration.GetSection("PowerDns"))
    .AddTxtRegistry(builder.Configuration.GetSection("TxtRegistry"))
    .AddPatroniSource(builder.Configuration.GetSection("Patroni"));
builder.Services.AddHealthChecks().AddDnsReconcilerCheck().AddPatroniSourceCheck();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter())); // "Published", not 1

var app = builder.Build();

// Patroni's callback: read the datastore now rather than at the next poll. It only triggers a read, but expose it on
// an address only the Patroni nodes reach (see "Urls" in appsettings.json). (Without ASP.NET Core, set
// Patroni:CallbackListenerPrefix instead: the package's own listener serves the same path.)
app.MapPost("/ccx-dns/patroni/refresh/{id:guid}", async (Guid id, PatroniSource source, CancellationToken cancellationToken) =>
    source.DatastoreIds.Contains(id)
        ? Results.Ok(await source.RefreshAsync(id, cancellationToken))
        : Results.NotFound($"no datastore {id} is configured"));

// What each Patroni cluster looks like from here, and whether DNS is in sync.
app.MapGet("/ccx-dns/patroni", (PatroniSource source) => source.Statuses);
app.MapHealthChecks("/healthz");

app.Run();
