using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SmtpFixture.Protocol;

/// <summary>
/// Decodes DATA content (RFC 5321 §4.5.2): removes the leading dot of dot-stuffed lines and finds the end of data.
/// Only <c>CRLF . CRLF</c> ends data: a bare LF or CR never starts a line, so <c>LF.LF</c>, <c>CR.CR</c>,
/// <c>LF.CRLF</c> and <c>CRLF.LF</c> stay inside the message (the SMTP smuggling class, CVE-2023-51764/5/6).
/// The state survives across calls, so the terminator is found across any buffer boundary.
/// </summary>
internal sealed class DotUnstuffer
{
    private readonly bool _vectorized;
    private State _state = State.LineStart;

    /// <param name="vectorized">Whether plain runs of lines are copied in bulk (the default); false gives the byte-wise decoder, which tests compare against.</param>
    public DotUnstuffer(bool vectorized = true) => _vectorized = vectorized && Vector128.IsHardwareAccelerated;

    private enum State
    {
        LineStart,
        InLine,
        AfterCr,
        AfterLineStartDot,
        AfterLineStartDotCr,
    }

    /// <summary>Whether a bare LF (not preceded by CR) was seen.</summary>
    public bool SawBareLf { get; private set; }

    /// <summary>Whether a bare CR (not followed by LF) was seen.</summary>
    public bool SawBareCr { get; private set; }

    public void Reset()
    {
        _state = State.LineStart;
        SawBareLf = false;
        SawBareCr = false;
    }

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <returns>The number of bytes consumed; when <paramref name="done"/> is true, the terminator was the last of them.</returns>
    public int Decode(ReadOnlySpan<byte> input, MessageBuffer output, out bool done)
    {
        var i = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.InLine:
                    if (_vectorized)
                    {
                        var plain = PlainRunLength(input[i..]);
                        if (plain > 0)
                        {
                            output.Append(input.Slice(i, plain));
                            i += plain;
                            if (i == input.Length)
                            {
                                break;
                            }
                        }
                    }

                    var rest = input[i..];
                    var k = rest.IndexOfAny((byte)'\r', (byte)'\n');
                    if (k < 0)
                    {
                        output.Append(rest);
                        i = input.Length;
                        break;
                    }

                    output.Append(rest[..k]);
                    i += k + 1;
                    if (rest[k] == '\n')
                    {
                        SawBareLf = true;
                        output.Append((byte)'\n');
                    }
                    else
                    {
                        _state = State.AfterCr;
                    }

                    break;

                case State.AfterCr:
                    if (input[i] == '\n')
                    {
                        output.Append("\r\n"u8);
                        i++;
                        _state = State.LineStart;
                    }
                    else
                    {
                        SawBareCr = true;
                        output.Append((byte)'\r');
                        _state = State.InLine;
                    }

                    break;

                case State.LineStart:
                    if (input[i] == '.')
                    {
                        i++;
                        _state = State.AfterLineStartDot;
                    }
                    else
                    {
                        _state = State.InLine;
                    }

                    break;

                case State.AfterLineStartDot:
                    if (input[i] == '\r')
                    {
                        i++;
                        _state = State.AfterLineStartDotCr;
                    }
                    else
                    {
                        // A stuffed dot: drop it and keep the rest of the line as is.
                        _state = State.InLine;
                    }

                    break;

                case State.AfterLineStartDotCr:
                    if (input[i] == '\n')
                    {
                        _state = State.LineStart;
                        done = true;
                        return i + 1;
                    }

                    // ".<CR>x": the dot was stuffing, the CR is bare.
                    SawBareCr = true;
                    output.Append((byte)'\r');
                    _state = State.InLine;
                    break;
            }
        }

        done = false;
        return i;
    }

    /// <summary>
    /// The length of the longest prefix of whole 16- or 32-byte blocks that the byte-wise decoder would copy unchanged
    /// while in <see cref="State.InLine"/>: only CRLF line endings, no line starting with a dot, and a block that does
    /// not end inside a line ending. Message content is almost entirely such runs, so the decoder costs one vector
    /// compare per block instead of a state change per line; everything else is left to the byte-wise states.
    /// </summary>
    private static int PlainRunLength(ReadOnlySpan<byte> input)
    {
        ref var start = ref MemoryMarshal.GetReference(input);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            while (i + 32 <= input.Length)
            {
                var block = Vector256.LoadUnsafe(ref start, (nuint)i);
                var cr = Vector256.Equals(block, Vector256.Create((byte)'\r')).ExtractMostSignificantBits();
                var lf = Vector256.Equals(block, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
                var dot = Vector256.Equals(block, Vector256.Create((byte)'.')).ExtractMostSignificantBits();
                if (!IsPlain(cr, lf, dot, 31))
                {
                    break;
                }

                i += 32;
            }
        }

        while (i + 16 <= input.Length)
        {
            var block = Vector128.LoadUnsafe(ref start, (nuint)i);
            var cr = Vector128.Equals(block, Vector128.Create((byte)'\r')).ExtractMostSignificantBits();
            var lf = Vector128.Equals(block, Vector128.Create((byte)'\n')).ExtractMostSignificantBits();
            var dot = Vector128.Equals(block, Vector128.Create((byte)'.')).ExtractMostSignificantBits();
            if (!IsPlain(cr, lf, dot, 15))
            {
                break;
            }

            i += 16;
        }

        return i;
    }

    /// <summary>
    /// Whether a block entered mid-line (the byte before it is neither CR nor a line-ending LF) decodes to itself and
    /// leaves the decoder mid-line: every LF is preceded by CR, every CR is followed by LF, no dot follows a CRLF, and
    /// the last byte neither is a CR nor ends a CRLF.
    /// </summary>
    private static bool IsPlain(uint cr, uint lf, uint dot, int last)
    {
        var lineEnds = lf & (cr << 1);
        var bareLf = lf & ~lineEnds;
        var bareCr = cr & ~(lf >> 1);
        var stuffed = dot & (lineEnds << 1);
        return (bareLf | bareCr | stuffed | ((cr | lineEnds) >> last)) == 0;
    }
}
