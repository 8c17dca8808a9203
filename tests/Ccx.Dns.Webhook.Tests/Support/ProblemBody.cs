using Ccx.Dns.Providers.Webhook;

namespace Ccx.Dns.Webhook.Tests.Support;

/// <summary>A problem-details answer as Ccx.Dns's webhook server writes it.</summary>
public sealed class ProblemBody(ExternalDnsWebhookProblem problem)
{
    public ScriptedAnswer Answer()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        ExternalDnsWebhookJson.WriteProblem(buffer, problem);
        return new ScriptedAnswer.Respond(problem.Status, ExternalDnsWebhookProtocol.ProblemMediaType, buffer.WrittenSpan.ToArray());
    }
}
