using System.Globalization;

namespace Social.Benchmarks;

/// <summary>Values of command-line options, each checked against its bounds so that a run stays bounded in time and count.</summary>
internal static class OptionValues
{
    public static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a whole number from {min} to {max}.");

    public static double Double(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a number from {min} to {max}.");

    public static int[] IntList(string name, string value, int min, int max)
    {
        var list = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => Int(name, part, min, max)).Distinct().ToArray();
        return list.Length is > 0 and <= 16 ? list : throw new ArgumentException($"{name}: give 1 to 16 values.");
    }
}
