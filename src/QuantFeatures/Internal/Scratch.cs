using System.Buffers;

namespace QuantFeatures.Internal;

/// <summary>
/// Scratch buffers for kernels (ring buffers, deques). Rented from the shared pool so a kernel allocates nothing
/// in steady state. Rented arrays may be longer than asked and hold stale values: callers clear what they use.
/// </summary>
internal static class Scratch
{
    public static double[] Rent(int length) => ArrayPool<double>.Shared.Rent(Math.Max(length, 1));

    public static void Return(double[] array) => ArrayPool<double>.Shared.Return(array);

    public static int[] RentInt(int length) => ArrayPool<int>.Shared.Rent(Math.Max(length, 1));

    public static void Return(int[] array) => ArrayPool<int>.Shared.Return(array);
}
