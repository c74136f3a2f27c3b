namespace SmtpFixture.Xunit.Tests;

/// <summary>An <see cref="ITestOutputHelper"/> that keeps what is written, to assert on it.</summary>
internal sealed class RecordingOutput : ITestOutputHelper
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public void WriteLine(string message)
    {
        lock (_lines)
        {
            _lines.Add(message);
        }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
