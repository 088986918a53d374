// Target: what an insight is about -- one external person, an account, or a domain -- and the
// people it stands for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct Target {
  enum class Kind { kPerson, kAccount, kDomain } kind = Kind::kPerson;
  std::string label;    // the person's name and address, the account's name, or "@domain"
  std::string address;  // the person's address for the policy point; "" for an account/domain
  std::vector<int64_t> people;  // the external people it stands for
};

// "@fabrikam.com" is a domain (its organisation domain); an address or a person's name is a
// person (who must be external); any other text is first an account's name (case-insensitive),
// then a bare domain with people in the store ("fabrikam.com"), then a person's name, then part of
// one account's name, ignoring case, spaces and punctuation ("alpineski" for "Alpine Ski House";
// part of several is an error that names them). NotFound / InvalidArgument say what to give
// instead.
Result<Target> ResolveTarget(store::Store& store, std::string_view text);

// The text's ASCII letters and digits, lower-cased: how a part of an account's name is matched.
std::string FoldedName(std::string_view text);

}  // namespace rapport::insights
