using System.Globalization;
using System.Text;
using System.Text.Json;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Reconciliation;

/// <summary>Renders <see cref="ReconcileResult"/> as Markdown and JSON.</summary>
internal static class ReconcileResultRendering
{
    public static string ToMarkdown(ReconcileResult result)
    {
        var sb = new StringBuilder(256);
        var changes = result.Changes;
        sb.Append("**").Append(result.Outcome).Append("** — ")
            .Append(changes.Create.Count).Append(" create, ")
            .Append(changes.UpdateNew.Count).Append(" update, ")
            .Append(changes.Delete.Count).Append(" delete");
        if (result.DryRun)
        {
            sb.Append(" (dry run: nothing applied)");
        }

        sb.Append(" · ").Append(result.SourceEndpointCount.ToString(CultureInfo.InvariantCulture)).Append(" desired, ")
            .Append(result.RegistryEndpointCount.ToString(CultureInfo.InvariantCulture)).Append(" current · ")
            .Append(result.Duration.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)).Append(" ms")
            .AppendLine();
        if (result.WithheldReason is not null)
        {
            sb.AppendLine().Append("> Withheld: ").AppendLine(Cell(result.WithheldReason));
        }

        if (result.Error is not null)
        {
            sb.AppendLine().Append("> Error: ").AppendLine(Cell(result.Error.ToString()));
        }

        if (changes.Count > 0)
        {
            sb.AppendLine().AppendLine("| Change | Name | Type | Targets | TTL | Set |").AppendLine("|---|---|---|---|---|---|");
            foreach (var record in changes.Create)
            {
                Row(sb, "create", record, Targets(record), Ttl(record));
            }

            for (var i = 0; i < changes.UpdateNew.Count && i < changes.UpdateOld.Count; i++)
            {
                var old = changes.UpdateOld[i];
                var updated = changes.UpdateNew[i];
                var targets = DnsTargets.Same(old.Targets, updated.Targets, updated.RecordType) ? Targets(updated) : Targets(old) + " → " + Targets(updated);
                var ttl = old.Ttl == updated.Ttl ? Ttl(updated) : Ttl(old) + " → " + Ttl(updated);
                Row(sb, "update", updated, targets, ttl);
            }

            foreach (var record in changes.Delete)
            {
                Row(sb, "delete", record, Targets(record), Ttl(record));
            }
        }

        if (result.Rejected.Count > 0)
        {
            sb.AppendLine().AppendLine("Rejected endpoints:").AppendLine()
                .AppendLine("| Name | Type | Targets | Reason |").AppendLine("|---|---|---|---|");
            foreach (var rejected in result.Rejected)
            {
                sb.Append("| ").Append(Cell(rejected.Endpoint.DnsName)).Append(" | ").Append(rejected.Endpoint.RecordType.Value)
                    .Append(" | ").Append(Targets(rejected.Endpoint)).Append(" | ").Append(Cell(rejected.Reason)).AppendLine(" |");
            }
        }

        if (result.OwnerMismatches.Count > 0)
        {
            sb.AppendLine().AppendLine("Records held by another owner or by no one (desired changes at their names not applied):").AppendLine()
                .AppendLine("| Name | Type | Owner |").AppendLine("|---|---|---|");
            foreach (var mismatch in result.OwnerMismatches)
            {
                sb.Append("| ").Append(Cell(mismatch.Record.DnsName)).Append(" | ").Append(mismatch.Record.RecordType.Value)
                    .Append(" | ").Append(mismatch.ForeignOwner.Length == 0 ? "(none)" : Cell(mismatch.ForeignOwner)).AppendLine(" |");
            }
        }

        return sb.ToString();
    }

    public static string ToJson(ReconcileResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteString("outcome", result.Outcome.ToString());
            writer.WriteString("mode", result.Mode.ToString());
            writer.WriteString("startedAt", result.StartedAt);
            writer.WriteNumber("durationMs", Math.Round(result.Duration.TotalMilliseconds, 3));
            writer.WriteBoolean("dryRun", result.DryRun);
            writer.WriteBoolean("applied", result.Applied);
            writer.WriteNumber("sourceEndpoints", result.SourceEndpointCount);
            writer.WriteNumber("registryEndpoints", result.RegistryEndpointCount);
            if (result.WithheldReason is null)
            {
                writer.WriteNull("withheldReason");
            }
            else
            {
                writer.WriteString("withheldReason", result.WithheldReason);
            }

            if (result.Error is null)
            {
                writer.WriteNull("error");
            }
            else
            {
                writer.WriteStartObject("error");
                writer.WriteString("stage", result.Error.Stage.ToString());
                writer.WriteString("message", result.Error.Message);
                writer.WriteBoolean("isTransient", result.Error.IsTransient);
                writer.WriteEndObject();
            }

            writer.WritePropertyName("changes");
            writer.WriteRawValue(result.Changes.ToJson());
            writer.WritePropertyName("appliedChanges");
            writer.WriteRawValue(result.AppliedChanges.ToJson());
            writer.WriteStartArray("rejected");
            foreach (var rejected in result.Rejected)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("endpoint");
                JsonSerializer.Serialize(writer, rejected.Endpoint);
                writer.WriteString("reason", rejected.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("ownerMismatches");
            foreach (var mismatch in result.OwnerMismatches)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("record");
                JsonSerializer.Serialize(writer, mismatch.Record);
                writer.WriteString("foreignOwner", mismatch.ForeignOwner);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void Row(StringBuilder sb, string change, DnsEndpoint record, string targets, string ttl) =>
        sb.Append("| ").Append(change).Append(" | ").Append(Cell(record.DnsName)).Append(" | ").Append(TypeCell(record))
            .Append(" | ").Append(targets).Append(" | ").Append(ttl).Append(" | ").Append(Cell(record.SetIdentifier)).AppendLine(" |");

    /// <summary>The record type, and what the provider writes it as when that differs (a PowerDNS apex CNAME is an ALIAS).</summary>
    private static string TypeCell(DnsEndpoint record) =>
        record.TryGetProviderSpecific(ProviderSpecificNames.WrittenAs, out var writtenAs) && !string.Equals(writtenAs, record.RecordType.Value, StringComparison.OrdinalIgnoreCase)
            ? $"{record.RecordType.Value} (written as {Cell(writtenAs)})"
            : record.RecordType.Value;

    private static string Targets(DnsEndpoint record) => Cell(string.Join(", ", record.Targets));

    private static string Ttl(DnsEndpoint record) => record.IsTtlConfigured ? record.Ttl.ToString(CultureInfo.InvariantCulture) : "default";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
