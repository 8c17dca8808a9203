// An ExternalDNS webhook provider serving one of Ccx.Dns's providers, for ExternalDNS's --provider=webhook:
//   dotnet run --project samples/Ccx.Dns.Samples.WebhookServer
// serves the in-memory provider (zone example.org) on http://127.0.0.1:8888. Choose another provider in configuration
// (appsettings.json, environment variables such as Webhook__Provider=PowerDns, or the command line):
//   --Webhook:Provider=PowerDns --PowerDns:ApiUrl=http://127.0.0.1:8081 --PowerDns:ApiKey=...
//   --Webhook:Provider=Rfc2136  --Rfc2136:Server=127.0.0.1:53 --Rfc2136:Zones:0=example.org --Rfc2136:TsigKeyName=... --Rfc2136:TsigSecret=...
//   --Webhook:Provider=Route53  --Route53:...
// The protocol has no authentication: the host listens on loopback only unless --urls says otherwise, and the routes
// answer loopback clients only unless Webhook:Server:AllowRemoteClients is true.
using Ccx.Dns;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8888"); // ExternalDNS's default --webhook-provider-url
}

var server = builder.Services.AddExternalDnsWebhookServer(builder.Configuration.GetSection("Webhook:Server"));
var provider = builder.Configuration["Webhook:Provider"] ?? "InMemory";
switch (provider.ToUpperInvariant())
{
    case "INMEMORY":
        var zones = builder.Configuration.GetSection("InMemory:Zones").Get<string[]>() is { Length: > 0 } configured ? configured : ["example.org"];
        server.AddInMemoryProvider(o =>
        {
            foreach (var zone in zones)
            {
                o.Zones.Add(zone);
            }
        });
        break;
    case "POWERDNS":
        server.AddPowerDnsProvider(builder.Configuration.GetSection("PowerDns"));
        break;
    case "RFC2136":
        server.AddRfc2136Provider(builder.Configuration.GetSection("Rfc2136"));
        break;
    case "ROUTE53":
        server.AddRoute53Provider(builder.Configuration.GetSection("Route53"));
        break;
    default:
        Console.Error.WriteLine($"Unknown Webhook:Provider '{provider}'; use InMemory, PowerDns, Rfc2136 or Route53.");
        return 2;
}

var app = builder.Build();
app.MapExternalDnsWebhook();
await app.RunAsync();
return 0;
