using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>Records every measurement of one meter's instruments, with its tags as <c>key=value,…</c> in the order given.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MetricRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    public ConcurrentQueue<(string Name, double Value, string Tags)> Measurements { get; } = new();

    /// <summary>Collects the observable instruments now (as an exporter does at each interval).</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public double Sum(string name, string tags = "") =>
        Measurements.Where(m => m.Name == name && m.Tags == tags).Sum(m => m.Value);

    public double SumAll(string name) => Measurements.Where(m => m.Name == name).Sum(m => m.Value);

    public double Last(string name) => Measurements.Last(m => m.Name == name).Value;

    public int Count(string name) => Measurements.Count(m => m.Name == name);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
        Measurements.Enqueue((instrument.Name, value, text));
    }
}
