namespace Ccx.Dns.Providers.Webhook.Internal;

/// <summary>One kind of protocol call: its method and route, and whether its answer carries a JSON body.</summary>
internal sealed record WebhookCall(string Name, HttpMethod Method, string Route, bool ReadsBody, bool IsApply)
{
    public static WebhookCall Negotiate { get; } = new("negotiate (GET /)", HttpMethod.Get, string.Empty, ReadsBody: true, IsApply: false);

    public static WebhookCall Records { get; } = new("records (GET /records)", HttpMethod.Get, "records", ReadsBody: true, IsApply: false);

    public static WebhookCall Apply { get; } = new("apply (POST /records)", HttpMethod.Post, "records", ReadsBody: false, IsApply: true);

    public static WebhookCall Adjust { get; } = new("adjust (POST /adjustendpoints)", HttpMethod.Post, "adjustendpoints", ReadsBody: true, IsApply: false);

    public override string ToString() => Name;
}
