using System.Globalization;
using System.Text;

namespace SmtpFixture.Xunit.Tests;

/// <summary>An <see cref="ITestOutputHelper"/> that keeps what is written, to assert on it.</summary>
internal sealed class RecordingOutput : ITestOutputHelper
{
    private readonly StringBuilder _text = new();

    public string Output
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public IReadOnlyList<string> Lines => Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    public void Write(string message)
    {
        lock (_text)
        {
            _text.Append(message);
        }
    }

    public void Write(string format, params object[] args) => Write(string.Format(CultureInfo.InvariantCulture, format, args));

    public void WriteLine(string message) => Write(message + Environment.NewLine);

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(CultureInfo.InvariantCulture, format, args));
}
