// SPDX-License-Identifier: GPL-2.0
// The C boundary names core objects by opaque handles: incomplete struct
// types whose pointer is the object's own address.  Each object type says
// which handle is its name with one ObjectOf specialisation.
#pragma once

#include "result.hpp"

namespace cxipi
{

template <typename Handle> struct ObjectOf;

template <typename Handle> auto *from_handle(Handle *handle)
{
	return reinterpret_cast<typename ObjectOf<Handle>::type *>(handle);
}

template <typename Handle> const auto *from_handle(const Handle *handle)
{
	return reinterpret_cast<const typename ObjectOf<Handle>::type *>(
		handle);
}

template <typename Handle, typename Object> Handle *to_handle(Object *object)
{
	return reinterpret_cast<Handle *>(object);
}

// The handle of a newly made object, or NULL when making it failed.
template <typename Handle, typename Object>
Handle *handle_or_null(Result<Object *> made)
{
	return made.ok() ? to_handle<Handle>(made.value()) : nullptr;
}

} // namespace cxipi
