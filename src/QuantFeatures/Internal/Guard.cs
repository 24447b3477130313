namespace QuantFeatures.Internal;

/// <summary>Up-front argument checks shared by kernels: each throws an ArgumentException-family exception naming the problem.</summary>
internal static class Guard
{
    public static void Period(int period, string name = "period", int min = 1)
    {
        if (period < min)
        {
            throw new ArgumentOutOfRangeException(name, period, $"Parameter '{name}' must be ≥ {min}; got {period}.");
        }
    }

    public static void SameLength(int expected, int actual, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Input '{name}' has {actual} values but the first input has {expected} (inputs of different lengths).", name);
        }
    }

    public static void Destination(int length, int destinationLength, string name = "destination")
    {
        if (destinationLength < length)
        {
            throw new ArgumentException($"Destination '{name}' has {destinationLength} elements but {length} are needed.", name);
        }
    }

    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Parameter '{name}' must be finite; got {value}.");
        }
    }
}
