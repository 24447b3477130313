using QuantFeatures.Quality;

namespace QuantFeatures.Streaming;

/// <summary>Memories of the time and quality family's streams (see <see cref="StreamMemory"/>).</summary>
internal static partial class StreamCatalog
{
    static partial void DeclareTimeQualityMemory(Builder b)
    {
        // The CalendarStep: a pure function of the bar's decision time (its table only caches values it would
        // compute again bit for bit).
        b.Memory(["hour_sin", "hour_cos", "dow_sin", "dow_cos"], _ => StreamMemory.None);
        b.Memory("gap_detected", _ => StreamMemory.Last(2)); // GapState: the previous bar's open time
        // volume_zscore_20's RollingMomentsState(20) (a ring and a MomentsWindow) in the volume windows step, read before the
        // bar is added, as VolumeAnomalyState reads its own.
        b.Memory("volume_anomaly", _ => StreamMemory.Moments(QualityRules.VolumeAnomalyPeriod));
        b.Memory("data_completeness", _ => StreamMemory.None); // point-wise over the bar's columns
        b.Memory("quality_score", _ => StreamMemory.None); // reads data_completeness, gap_detected, volume_anomaly at the bar
    }
}
