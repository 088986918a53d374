// Address keys, name keys and the identity hints read from the Enron release's X-From/X-To/X-cc
// fields: hand-written cases worked out from the contracts in address_identity.h and
// identity_hints.h, then three real Enron messages from ../shared/corpus.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "ingest/identity/address_identity.h"
#include "ingest/identity/identity_hints.h"
#include "ingest/mail/message_parser.h"
#include "test_support.h"

namespace rapport::model {
// gtest prints a hint as text, not as bytes.
void PrintTo(const IdentityHint& h, std::ostream* os) {
  *os << "{" << h.address << " | " << h.alias << " | " << h.name << "}";
}
}  // namespace rapport::model

namespace rapport::ingest {
namespace {

using model::IdentityHint;

constexpr char kAlvarezDn[] =
    "/o=enron/ou=na/cn=recipients/cn=notesaddr/cn=ebe4476b-2d94882a-86256a14-75ff3b";

TEST(AddressKey, SmtpIsLowerCasedWithAnALabelDomain) {
  EXPECT_EQ(AddressKey("Tim.Belden@ENRON.com"), "tim.belden@enron.com");
  EXPECT_EQ(AddressKey("Jörg@Bücher.DE"), "jörg@xn--bcher-kva.de");
  EXPECT_EQ(AddressKey("Jörg@Bücher.DE"), AddressKey("jörg@xn--bcher-kva.de"));
  EXPECT_EQ(AddressKey("JÖRG@BÜCHER.DE"), "jÖrg@xn--bcher-kva.de");  // local: ASCII only
  EXPECT_EQ(AddressKey("a@Bücher.de."), "a@xn--bcher-kva.de");
  EXPECT_EQ(AddressKey("  a@x.com..  "), "a@x.com");
  EXPECT_EQ(AddressKey("a@b@X.com"), "a@b@x.com");  // the domain is after the last '@'
  EXPECT_EQ(KeyKind(AddressKey("a@x.com")), AddressKind::kSmtp);
}

TEST(AddressKey, X500DnLosesTheDomainEnronAppends) {
  EXPECT_EQ(AddressKey("/O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN"),
            "/o=enron/ou=na/cn=recipients/cn=tlohman");
  EXPECT_EQ(AddressKey("/o=enron/ou=eu/cn=recipients/cn=mpicker@enron.com"),
            "/o=enron/ou=eu/cn=recipients/cn=mpicker");
  EXPECT_EQ(AddressKey("/O=ENRON/OU=NA/CN=RECIPIENTS/CN=Tlohman"),
            AddressKey("/O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN"));
  EXPECT_EQ(KeyKind("/o=enron"), AddressKind::kX500);
  EXPECT_EQ(KeyKindName(KeyKind("/o=enron")), "x500");
}

TEST(AddressKey, ImceaAddressesAreDecoded) {
  EXPECT_EQ(AddressKey("IMCEAEX-_O=ENRON_OU=NA_CN=RECIPIENTS_CN=NOTESADDR_CN=EBE4476B-2D94882A-"
                       "86256A14-75FF3B@ENRON.com"),
            kAlvarezDn);
  EXPECT_EQ(AddressKey("IMCEANOTES-+22Peter+20Behr+22+20+3Cbehrp+40washpost+2Ecom+3E+40ENRON@"
                       "ENRON.com"),
            "behrp@washpost.com");
  EXPECT_EQ(AddressKey("IMCEANOTES-Joseph+2EF+2EReid+40accenture+2Ecom+40ENRON@ENRON.com"),
            "joseph.f.reid@accenture.com");
  std::string notes = AddressKey("IMCEANOTES-Tim+20Belden_HOU_ECT+40ECT@ENRON.com");
  EXPECT_EQ(notes, "notes:tim belden/hou/ect@ect");
  EXPECT_EQ(KeyKind(notes), AddressKind::kNotes);
  EXPECT_EQ(KeyKindName(KeyKind(notes)), "notes");
  EXPECT_EQ(AddressKey("IMCEASMTP-Alice+40Example+2Ecom@gw.example"), "alice@example.com");
  EXPECT_EQ(AddressKey("imceainvalid-bob+40x+2Eorg@gw.example"), "bob@x.org");
}

TEST(AddressKey, MalformedImceaFallsBackToThePlainKey) {
  EXPECT_EQ(AddressKey("IMCEAEX-_O=X+ZZ@ENRON.com"), "imceaex-_o=x+zz@enron.com");  // bad hex
  EXPECT_EQ(AddressKey("IMCEANOTES-abc+4@ENRON.com"), "imceanotes-abc+4@enron.com");
  EXPECT_EQ(AddressKey("IMCEANOTES-abc+@ENRON.com"), "imceanotes-abc+@enron.com");
  EXPECT_EQ(AddressKey("IMCEAEX-notadn@ENRON.com"), "imceaex-notadn@enron.com");
  EXPECT_EQ(AddressKey("IMCEAFAX-+20123@ENRON.com"), "imceafax-+20123@enron.com");
  EXPECT_EQ(AddressKey("IMCEA@x.com"), "imcea@x.com");
  EXPECT_EQ(AddressKey("IMCEASMTP-no+20address@gw.example"), "imceasmtp-no+20address@gw.example");
  // An IMCEA address inside an IMCEA address is not decoded twice.
  EXPECT_EQ(AddressKey("IMCEASMTP-IMCEAEX-+2FO+3DX+40y+2Ecom@gw.example"),
            "imceasmtp-imceaex-+2fo+3dx+40y+2ecom@gw.example");
  // Control characters decoded from hex never reach the key.
  EXPECT_EQ(AddressKey("IMCEANOTES-A+0AB+00C@ENRON.com"), "notes:a bc");
}

TEST(AddressKey, EdgeCases) {
  EXPECT_EQ(AddressKey(""), "");
  EXPECT_EQ(AddressKey("   "), "");
  EXPECT_EQ(AddressKey("Alice"), "alice");
  EXPECT_EQ(AddressKey("@"), "@");
  EXPECT_EQ(AddressKey("a@"), "a@");
  EXPECT_EQ(AddressKey("@X.com"), "@x.com");
  std::string nul("A\0b@X\0\xC3\xBC.com", 13);
  EXPECT_EQ(AddressKey(nul), std::string("a\0b@x\0\xC3\xBC.com", 13));
  std::string huge(1 << 20, 'A');
  huge += "@B\xC3\xBC" + std::string(1 << 20, 'c');
  std::string key = AddressKey(huge);
  EXPECT_EQ(key.size(), huge.size());
  EXPECT_EQ(AddressKey(key), key);
  EXPECT_EQ(AddressKey("a@\xFF\xFE.com"), "a@\xFF\xFE.com");  // not UTF-8: libidn2 refuses
}

TEST(AddressKey, IsIdempotent) {
  for (std::string_view a :
       {"Jörg@Bücher.DE", "a@x.com. .", "/O=A/CN=B@c.com", " IMCEAEX-_O=X_CN=Y@Z.com",
        "IMCEANOTES-Tim+20Belden_HOU_ECT+40ECT@ENRON.com", "IMCEAEX-+ZZ@Bücher.de", "IMCEA@ü",
        "x@\xEF\xBC\xA0y.com", "notes:A B", "IMCEASMTP-IMCEAEX-_O=X+40y+2Ecom@g.com",
        "a@\xE3\x80\x82"}) {
    std::string key = AddressKey(a);
    EXPECT_EQ(AddressKey(key), key) << a;
  }
}

TEST(PlusBase, DropsTheSubaddressOfSmtpKeysOnly) {
  EXPECT_EQ(PlusBase("alice+news@x.com"), "alice@x.com");
  EXPECT_EQ(PlusBase("alice+a+b@x.com"), "alice@x.com");
  EXPECT_EQ(PlusBase("alice@x.com"), "alice@x.com");
  EXPECT_EQ(PlusBase("+alice@x.com"), "+alice@x.com");
  EXPECT_EQ(PlusBase("alice@x+y.com"), "alice@x+y.com");
  EXPECT_EQ(PlusBase("alice+x"), "alice+x");
  EXPECT_EQ(PlusBase("/o=a+b@x"), "/o=a+b@x");
  EXPECT_EQ(PlusBase("notes:a+b@x"), "notes:a+b@x");
  EXPECT_EQ(PlusBase(""), "");
}

TEST(NameKey, SpellingsOfOneNameShareAKey) {
  EXPECT_EQ(NameKey("Allen, Phillip K."), "allen phillip");
  EXPECT_EQ(NameKey("Phillip K Allen"), "allen phillip");
  EXPECT_EQ(NameKey("phillip allen"), "allen phillip");
  EXPECT_EQ(NameKey("Palmer, Mark A. (PR)"), "mark palmer");
  EXPECT_EQ(NameKey("Tim Belden/HOU/ECT@ECT"), "belden tim");
  EXPECT_EQ(NameKey("\"Peter Behr\" <behrp@washpost.com>"), "behr peter");
  EXPECT_EQ(NameKey("'Presto, Kevin M.'"), "kevin presto");
  EXPECT_EQ(NameKey("O'Neil, Murray P."), "murray o'neil");
  EXPECT_EQ(NameKey("Williams III, Bill"), "bill williams");
  EXPECT_EQ(NameKey("Charles Ruehl, Jr."), "charles ruehl");
  EXPECT_EQ(NameKey("Tollett-Springer, Jeff"), "jeff springer tollett");
  EXPECT_EQ(NameKey("Enron Change Management Announcement@ENRON"),
            "announcement change enron management");
  EXPECT_EQ(NameKey("Jörg Müller"), "jörg müller");
}

TEST(NameKey, TooLittleIsEmpty) {
  EXPECT_EQ(NameKey(""), "");
  EXPECT_EQ(NameKey("Enron"), "");
  EXPECT_EQ(NameKey("J. Smith"), "");
  EXPECT_EQ(NameKey("jsmith@x.com"), "");
  EXPECT_EQ(NameKey("(only a comment)"), "");
  EXPECT_EQ(NameKey(std::string("A\0B", 3)), "");
  EXPECT_EQ(NameKey(std::string(1 << 20, 'x') + " y"), "");  // one token
}

TEST(NameMatchesLocalPart, CorporateAddressesBuiltFromTheName) {
  EXPECT_TRUE(NameMatchesLocalPart("Belden, Tim", "tim.belden@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Driscoll, Michael M.", "m..driscoll@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Allen, Phillip K.", "k..allen@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Schoolcraft, Darrell", "darrell.schoolcraft@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Williams III, Bill", "bill.williams@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Phillip K Allen", "phillip.allen@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Lohman, TK", "tk.lohman@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Lohman, TK", "TLohman@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Belden, Tim", "belden.tim@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Belden, Tim", "tim_belden@x.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Palmer, Mark A. (PR)", ".palmer@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Brenda Flores-Cuellar", "brenda.flores-cuellar@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Van Hooser, Steve", "steve.vanhooser@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("Nelson, Michelle", "michelle'.'nelson@enron.com"));
  EXPECT_TRUE(NameMatchesLocalPart("O'Neil, Murray P.", "p..o'neil@enron.com"));
  EXPECT_EQ(LocalPartTokens("'a'..b-_c'"), (std::vector<std::string_view>{"a", "b", "c"}));
}

TEST(NameMatchesLocalPart, OtherPeopleAndNonsense) {
  EXPECT_FALSE(NameMatchesLocalPart("Belden, Tim", "mike.swerzbin@enron.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Carla Hoffman/PDX/ECT@ECT", "f..carla@enron.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Smith, John", "johnson@x.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Belden, Tim", "tom.belden@enron.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Belden, Tim", "tim.belden.jr@enron.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Belden", "belden@enron.com"));  // one token: nobody
  EXPECT_FALSE(NameMatchesLocalPart("Belden, Tim", "tim.belden"));   // no '@'
  EXPECT_FALSE(NameMatchesLocalPart("", "a@b.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Belden, Tim", "@enron.com"));
  EXPECT_FALSE(NameMatchesLocalPart("Belden, Tim", "...@enron.com"));
}

TEST(ParseExportList, GluesLastFirstAndKeepsNotesNames) {
  auto e = ParseExportList(
      "Belden, Tim </O=ENRON/OU=NA/CN=RECIPIENTS/CN=TBELDEN>, Carla Hoffman/PDX/ECT@ECT, "
      "rcarroll@bracepatt.com, Palmer, Mark A. (PR) </O=ENRON/OU=NA/CN=RECIPIENTS/CN=MPALMER>, "
      "\"Walter A. Saunders, Jr.\" <walter_saunders@agc.com>, 'Presto, Kevin M.' </O=ENRON/CN=KP>,"
      " jpetriello@prebon.com@ENRON, Kenneth Lay, \"Linda Lay\" <mrslinda@lplpi.com>");
  std::vector<ExportEntry> want = {
      {"Belden, Tim", "/O=ENRON/OU=NA/CN=RECIPIENTS/CN=TBELDEN"},
      {"Carla Hoffman/PDX/ECT@ECT", ""},
      {"", "rcarroll@bracepatt.com"},
      {"Palmer, Mark A. (PR)", "/O=ENRON/OU=NA/CN=RECIPIENTS/CN=MPALMER"},
      {"Walter A. Saunders, Jr.", "walter_saunders@agc.com"},
      {"Presto, Kevin M.", "/O=ENRON/CN=KP"},
      {"", "jpetriello@prebon.com"},
      {"Kenneth Lay", ""},
      {"Linda Lay", "mrslinda@lplpi.com"},
  };
  EXPECT_EQ(e, want);
}

TEST(ParseExportList, ToleratesBrokenLists) {
  EXPECT_TRUE(ParseExportList("").empty());
  EXPECT_TRUE(ParseExportList(" , ,, ").empty());
  EXPECT_EQ(ParseExportList("a <b, c, d").size(), 3u);  // '<' without '>' is text
  EXPECT_EQ(ParseExportList("\"a, b, c").size(), 3u);
  EXPECT_EQ(ParseExportList("O'Neil, Murray P. </O=E/CN=MONEIL>, x@y.com").size(), 2u);
  auto two = ParseExportList("\"Velarde, Martha\" <MVelarde@SDGE.com>@ENRON <IMCEANOTES-x@y.com>");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0], (ExportEntry{"Velarde, Martha", "MVelarde@SDGE.com"}));
  EXPECT_EQ(ParseExportList("Name <not an address>")[0], (ExportEntry{"Name", ""}));
  EXPECT_EQ(ParseExportList(std::string(100000, ',') + "a@b.c").size(), 1u);
}

std::vector<IdentityHint> Hints(const std::string& headers) {
  auto meta = ParseMessage("Date: Tue, 12 Mar 2002 16:24:33 -0800\n" + headers + "\nbody\n");
  EXPECT_TRUE(meta.ok());
  return meta.ok() ? meta->identity_hints : std::vector<IdentityHint>{};
}

TEST(ReadIdentityHints, PairsXFromWithFrom) {
  EXPECT_EQ(Hints("From: phillip.allen@enron.com\nX-From: Phillip K Allen\n"),
            (std::vector<IdentityHint>{{"phillip.allen@enron.com", "", "Phillip K Allen"}}));
  EXPECT_EQ(Hints("From: x@enron.com\nX-From: Williamson, Joannie\n"),
            (std::vector<IdentityHint>{{"x@enron.com", "", "Williamson, Joannie"}}));
  EXPECT_EQ(Hints("From: a@enron.com\nX-From: Alvarez, Ray <IMCEAEX-_O=ENRON_CN=RALVAREZ@ENRON.com>"
                  "\n"),
            (std::vector<IdentityHint>{
                {"a@enron.com", "IMCEAEX-_O=ENRON_CN=RALVAREZ@ENRON.com", "Alvarez, Ray"}}));
  EXPECT_TRUE(Hints("From: a@enron.com\nX-From: a@b.com, c@d.com\n").empty());
  EXPECT_TRUE(Hints("From: a@enron.com\nX-From: A@Enron.com\n").empty());  // nothing new
  EXPECT_TRUE(Hints("From: a@enron.com\nX-From: \n").empty());
  EXPECT_TRUE(Hints("From: a@enron.com\nTo: b@enron.com\n").empty());
}

TEST(ReadIdentityHints, PairsRecipientsOnlyWhenUnique) {
  std::string from = "From: a@enron.com\n";
  EXPECT_EQ(
      Hints(from + "To: tk.lohman@enron.com, darrell.schoolcraft@enron.com\n"
                   "X-To: Schoolcraft, Darrell </O=E/CN=DSCHOOL>, Lohman, TK </O=E/CN=TLOHMAN>\n"),
      (std::vector<IdentityHint>{
          {"darrell.schoolcraft@enron.com", "/O=E/CN=DSCHOOL", "Schoolcraft, Darrell"},
          {"tk.lohman@enron.com", "/O=E/CN=TLOHMAN", "Lohman, TK"}}));
  // Two recipients fit "Belden, Tim": neither is paired.
  EXPECT_TRUE(
      Hints(from + "To: tim.belden@enron.com, t.belden@x.com\nX-To: Belden, Tim\n").empty());
  // One recipient fits two entries: not paired.
  EXPECT_TRUE(Hints(from + "To: t.belden@enron.com\nX-To: Belden, Tim </O=A>, Belden, Tom </O=B>\n")
                  .empty());
  // A list that names one mailbox twice (as Enron's often do) still pairs it, once.
  EXPECT_EQ(
      Hints(from + "To: chuck.ames@enron.com, Chuck.Ames@enron.com, x@y.com\n"
                   "X-To: Ames, Chuck </O=E/CN=CAMES>, Ames, Chuck </O=E/CN=CAMES>, x@y.com\n"),
      (std::vector<IdentityHint>{{"chuck.ames@enron.com", "/O=E/CN=CAMES", "Ames, Chuck"}}));
  // Cc pairs with X-cc, and the alias key alone is enough.
  EXPECT_EQ(Hints(from + "Cc: BOB@X.COM\nX-cc: Robert Q <bob@x.com>\n"),
            (std::vector<IdentityHint>{{"BOB@x.com", "bob@x.com", "Robert Q"}}));
  EXPECT_TRUE(Hints(from + "Cc: bob@x.com\nX-cc: BOB@x.com\n").empty());
  EXPECT_TRUE(Hints(from + "To: bob@x.com\nX-cc: Bob Smith <bob@x.com>\n").empty());
}

TEST(ReadIdentityHints, HugeListsStayLinearOrGiveUp) {
  // 5,000 distinct people: each entry finds its recipient through the index.
  std::string to = "To: ", xto = "X-To: ";
  for (int i = 0; i < 5000; ++i) {
    std::string n = std::to_string(i);
    to += (i ? ", first" : "first") + n + ".last" + n + "@x.com";
    xto += (i ? ", Last" : "Last") + n + ", First" + n + " </O=X/CN=P" + n + ">";
  }
  EXPECT_EQ(Hints("From: a@b.com\n" + to + "\n" + xto + "\n").size(), 5000u);
  // 1,000 entries whose surname is the last token of all 1,000 recipients: checking them would
  // take more than kMaxPairs checks, so the list gives no hints.
  to = "To: ", xto = "X-To: ";
  for (int i = 0; i < 1000; ++i) {
    std::string n = std::to_string(i);
    to += (i ? ", c" : "c") + n + ".b@x.com";
    xto += (i ? ", B, C" : "B, C") + n + " </O=X/CN=P" + n + ">";
  }
  EXPECT_TRUE(Hints("From: a@b.com\n" + to + "\n" + xto + "\n").empty());
}

TEST(ReadIdentityHints, NotPartOfTheFingerprint) {
  auto plain =
      ParseMessage("From: a@b.com\nTo: tim.belden@enron.com\nDate: 1 Jan 2001 00:00 +0000\n");
  auto hinted = ParseMessage(
      "From: a@b.com\nTo: tim.belden@enron.com\nDate: 1 Jan 2001 00:00 +0000\n"
      "X-From: Someone\nX-To: Belden, Tim </O=E/CN=TBELDEN>\n");
  ASSERT_TRUE(plain.ok() && hinted.ok());
  EXPECT_EQ(hinted->identity_hints.size(), 2u);
  EXPECT_EQ(plain->fingerprint, hinted->fingerprint);
}

// The message of `mbox` (under the Enron folder of the corpus) whose Message-ID is `id`.
std::string EnronMessage(const std::string& corpus, const std::string& mbox,
                         const std::string& id) {
  std::string data = testing::ReadFile(
      corpus + "/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron/" + mbox);
  size_t at = data.find("Message-ID: <" + id + ">");
  if (at == std::string::npos) return {};
  size_t begin = data.rfind("\nFrom ", at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  size_t end = data.find("\nFrom ", at);
  return data.substr(begin, end == std::string::npos ? end : end - begin + 1);
}

const IdentityHint* HintFor(const model::MessageMeta& meta, std::string_view address) {
  for (const auto& h : meta.identity_hints) {
    if (h.address == address) return &h;
  }
  return nullptr;
}

TEST(EnronCorpus, ExchangeRecipientsGetTheirDn) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  std::string raw = EnronMessage(corpus, "enron.schoolcraft-d.deleted_items",
                                 "19067103.1075860743926.JavaMail.evans@thyme");
  ASSERT_FALSE(raw.empty());
  auto meta = ParseMessage(raw);
  ASSERT_TRUE(meta.ok());
  const IdentityHint* tk = HintFor(*meta, "tk.lohman@enron.com");
  ASSERT_NE(tk, nullptr);
  EXPECT_EQ(AddressKey(tk->alias), "/o=enron/ou=na/cn=recipients/cn=tlohman");
  EXPECT_EQ(tk->name, "Lohman, TK");
  const IdentityHint* from = HintFor(*meta, "richard.hanagriff@enron.com");
  ASSERT_NE(from, nullptr);
  EXPECT_EQ(from->name, "Hanagriff, Richard");
  const IdentityHint* cc = HintFor(*meta, "kimberly.watson@enron.com");
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ(AddressKey(cc->alias), "/o=enron/ou=na/cn=recipients/cn=kwatson");
  EXPECT_EQ(meta->identity_hints.size(), 4u);
}

TEST(EnronCorpus, FortySevenRecipientsPairByName) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  std::string raw =
      EnronMessage(corpus, "enron.scholtes-d.ferc", "256294.1075840019348.JavaMail.evans@thyme");
  ASSERT_FALSE(raw.empty());
  auto meta = ParseMessage(raw);
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->to.size(), 47u);
  const IdentityHint* tim = HintFor(*meta, "tim.belden@enron.com");
  ASSERT_NE(tim, nullptr);
  EXPECT_EQ(tim->name, "Belden, Tim");
  EXPECT_EQ(AddressKey(tim->alias), "/o=enron/ou=na/cn=recipients/cn=tbelden");
  const IdentityHint* from = HintFor(*meta, meta->from.address);
  ASSERT_NE(from, nullptr);
  EXPECT_EQ(AddressKey(from->alias), kAlvarezDn);
  // The Notes name "Carla Hoffman/PDX/ECT@ECT" fits no recipient; f..carla@ gets nothing.
  EXPECT_EQ(HintFor(*meta, "f..carla@enron.com"), nullptr);
  for (const auto& h : meta->identity_hints) {
    EXPECT_TRUE(h.name.empty() || NameMatchesLocalPart(h.name, h.address) ||
                h.address == meta->from.address)
        << h.address << " / " << h.name;
  }
  EXPECT_GE(meta->identity_hints.size(), 40u);
}

TEST(EnronCorpus, NotesNamesPairWithoutAlias) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  std::string raw = EnronMessage(corpus, "enron.allen-p._sent_mail",
                                 "8610882.1075855692600.JavaMail.evans@thyme");
  ASSERT_FALSE(raw.empty());
  auto meta = ParseMessage(raw);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(
      meta->identity_hints,
      (std::vector<IdentityHint>{{"phillip.allen@enron.com", "", "Phillip K Allen"},
                                 {"brenda.flores-cuellar@enron.com", "", "Brenda Flores-Cuellar"},
                                 {"dale.neuner@enron.com", "", "Dale Neuner"}}));
}

}  // namespace
}  // namespace rapport::ingest
