namespace Fork.Bench;

/// <summary>One figure of the summary: its value, the baseline it is compared with, and the issue's target if any.</summary>
internal sealed record Figure(string Name, double? Value, double? Baseline, string Unit, string Target = "", bool? Met = null)
{
    public double? Ratio => Value is { } v && Baseline is { } b && b != 0 ? v / b : null;
}

/// <summary>Figures collected by the measurements of one quick run, printed as a table at the end.</summary>
internal sealed class Summary
{
    private readonly List<Figure> _figures = [];

    public void Add(Figure figure) => _figures.Add(figure);

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("== summary (targets are informative: the exit code ignores them)");
        var width = Math.Max(40, _figures.Select(f => f.Name.Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"figure".PadRight(width)} {"value",14} {"baseline",14} {"ratio",8}  {"target",-26} {"met",-8}");
        foreach (var f in _figures)
        {
            var met = f.Met switch { true => "met", false => "not met", null => f.Target.Length > 0 ? "n/a" : "" };
            output.WriteLine($"{f.Name.PadRight(width)} {Show(f.Value, f.Unit),14} {(f.Baseline is null ? "-" : Show(f.Baseline, f.Unit)),14} {ShowRatio(f.Ratio),8}  {f.Target,-26} {met,-8}");
        }
    }

    private static string Show(double? value, string unit) => value switch
    {
        null => "not measured",
        { } v when Math.Abs(v) >= 1000 || v == Math.Floor(v) => $"{Measure.N(v)} {unit}",
        { } v => $"{Measure.F(v)} {unit}",
    };

    private static string ShowRatio(double? ratio) => ratio is { } r ? $"{Measure.F(r)}x" : "";
}
