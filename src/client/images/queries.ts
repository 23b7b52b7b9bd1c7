import { useQuery } from '@tanstack/react-query';
import { imagesApi } from '../api/images.ts';

export const imageKeys = { list: ['images'] as const };

/** fnplay's image store and its disk use; refetched after an import, a removal and an acceleration. */
export function useImages() {
  return useQuery({ queryKey: imageKeys.list, queryFn: imagesApi.list });
}
