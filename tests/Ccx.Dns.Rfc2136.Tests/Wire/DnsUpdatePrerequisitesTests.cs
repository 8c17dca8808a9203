using System.Net;
using Ccx.Dns.Rfc2136.Transport;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tests.Wire;

/// <summary>The prerequisite section of UPDATE messages (RFC 2136 §2.4), against bytes written by dnspython 2.3.0.</summary>
public sealed class DnsUpdatePrerequisitesTests
{
    // dnspython 2.3.0: UpdateMessage('example.test', id=0x1234); absent('www', 'A'); present('old', A 192.0.2.20);
    // present('old', A 192.0.2.21); present('txt', 'TXT'); absent('cname'); present('used'); add('www', 300, A 192.0.2.10).
    private const string AllKindsHex =
        "123428000001000600010000076578616d706c650474657374000006000103777777c00c000100fe000000000000036f6c64c00c0001" +
        "0001000000000004c0000214c02e00010001000000000004c000021503747874c00c001000ff00000000000005636e616d65c00c00ff" +
        "00fe0000000000000475736564c00c00ff00ff000000000000c01e000100010000012c0004c000020a";

    // dnspython 2.3.0: present('multi', TXT "part one" "part two"); delete('multi', TXT "part one" "part two").
    private const string MultiStringTxtHex =
        "123428000001000100010000076578616d706c6504746573740000060001056d756c7469c00c00100001000000000012087061727420" +
        "6f6e6508706172742074776fc01e001000fe0000000000120870617274206f6e6508706172742074776f";

    [Fact]
    public void BuildUpdate_EveryPrerequisiteKind_EncodesAsDnspythonDoes()
    {
        var message = Rfc2136Client.BuildUpdate(
            "example.test",
            [
                DnsUpdatePrerequisites.RecordSetDoesNotExist("www.example.test", DnsRecordType.A),
                .. DnsUpdatePrerequisites.RecordSetEquals("old.example.test", DnsRecordType.A, [new AddressRecordData(IPAddress.Parse("192.0.2.20")), new AddressRecordData(IPAddress.Parse("192.0.2.21"))]),
                DnsUpdatePrerequisites.RecordSetExists("txt.example.test", DnsRecordType.TXT),
                DnsUpdatePrerequisites.NameIsNotInUse("cname.example.test"),
                DnsUpdatePrerequisites.NameIsInUse("used.example.test"),
            ],
            [new DnsResourceRecord("www.example.test", DnsRecordType.A, DnsClass.IN, 300, new AddressRecordData(IPAddress.Parse("192.0.2.10")))]) with { Id = 0x1234 };

        Assert.Equal(AllKindsHex, Convert.ToHexStringLower(message.Encode()));
    }

    [Fact]
    public void RecordSetDoesNotExist_IsClassNoneTtlZeroAndNoData()
    {
        var record = DnsUpdatePrerequisites.RecordSetDoesNotExist("www.example.test", DnsRecordType.A);

        // RFC 2136 §2.4.3: NAME, TYPE, CLASS NONE (254), TTL 0, RDLENGTH 0.
        Assert.Equal("03777777076578616d706c65047465737400" + "0001" + "00fe" + "00000000" + "0000", Encode(record));
    }

    [Fact]
    public void RecordSetEquals_IsZoneClassTtlZeroWithEachRecordsData()
    {
        var records = DnsUpdatePrerequisites.RecordSetEquals("old.example.test", DnsRecordType.A, [new AddressRecordData(IPAddress.Parse("192.0.2.20"))]);

        // RFC 2136 §2.4.2: NAME, TYPE, CLASS IN (the zone's class), TTL 0, the record's RDATA.
        Assert.Equal("036f6c64076578616d706c65047465737400" + "0001" + "0001" + "00000000" + "0004" + "c0000214", Encode(Assert.Single(records)));
    }

    [Fact]
    public void RecordSetEquals_MultiStringTxt_KeepsEachCharacterString()
    {
        var data = TxtRecordData.FromStrings(["part one", "part two"]);
        var message = Rfc2136Client.BuildUpdate(
            "example.test",
            DnsUpdatePrerequisites.RecordSetEquals("multi.example.test", DnsRecordType.TXT, [data]),
            [new DnsResourceRecord("multi.example.test", DnsRecordType.TXT, DnsClass.None, 0, data)]) with { Id = 0x1234 };

        Assert.Equal(MultiStringTxtHex, Convert.ToHexStringLower(message.Encode()));
    }

    [Fact]
    public void Decode_PrerequisiteSection_ReadsBackAsAnswers()
    {
        var message = DnsMessage.Decode(Convert.FromHexString(AllKindsHex));

        Assert.Equal(DnsOpcode.Update, message.Opcode);
        Assert.Equal(6, message.Answers.Count);
        Assert.Equal((DnsClass.None, DnsRecordType.A, 0u), (message.Answers[0].Class, message.Answers[0].Type, message.Answers[0].Ttl));
        Assert.Equal(new AddressRecordData(IPAddress.Parse("192.0.2.21")), message.Answers[2].Data);
        Assert.Equal((DnsClass.None, DnsRecordType.ANY), (message.Answers[4].Class, message.Answers[4].Type));
        Assert.Equal((DnsClass.Any, DnsRecordType.ANY), (message.Answers[5].Class, message.Answers[5].Type));
    }

    private static string Encode(DnsResourceRecord record) =>
        Convert.ToHexStringLower(new DnsMessage { Answers = [record] }.Encode(compress: false).AsSpan(12));
}
